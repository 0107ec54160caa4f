//===- effai_layers.h - the PE templates of effai's emitted HLS C++ -------===//
//
// One template per effai_fpga layer, configured by the per-layer config
// structs `effai-translate --emit-hls` writes (parameters.h) and fed the
// weights it writes (weights/*.h). Each iteration of a PE's per-cycle
// loops (a pixel or beat read, a MAC step) counts one cycle
// (EFFAI_COUNT_CYCLE): in the C simulation these counts are the cycles
// effai's estimator predicts. MAC steps, beats and pooling pixels are
// PIPELINE II=1 loops; a convolution's pixel loop holds the MAC loop, so
// it is not pipelined, and Vitis adds each loop's pipeline fill to these
// counts (a few cycles per pixel and per output vector). Loops inside a
// cycle (PE x SIMD lanes, a beat's channels, window registers) are
// unrolled; nothing else is, so no loop is copied more than a beat's or
// pe * simd times.
//
// The arithmetic is bit-exact with effai's integer CPU path: exact
// accumulators (widths from the weights), products built as the fold
// says (a DSP or fabric multiply, two int8 products packed into one
// 27 x 18 DSP multiply, or shifts and adds), and fixed-point
// requantization rounding half to even.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_LAYERS_H
#define EFFAI_LAYERS_H

#include "effai_hls.h"

// Loop labels name loops in Vitis reports; a host compiler sees them unused.
#if defined(__GNUC__) && !defined(__SYNTHESIS__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"
#endif

namespace effai {

/// One stream beat: a pixel's channels, or a vector.
template <typename T, int N> struct array {
  typedef T value_type;
  T data[N];
  T &operator[](int i) { return data[i]; }
  const T &operator[](int i) const { return data[i]; }
};

/// How products are built (#effai_fpga.fold's arithmetic).
enum arithmetic { arith_dsp, arith_dsp_packed, arith_lut_mul, arith_shift_add };

/// A weight of a shift-add PE: s0 * 2^e0 + s1 * 2^e1 with s in {-1, 0, 1}.
template <int E> struct pow2_weight {
  ap_int<2> s0, s1;
  ap_uint<E> e0, e1;
};

/// A kept weight of a skip-zeros PE and the input it multiplies.
template <typename W, int B> struct sparse_weight {
  W w;
  ap_uint<B> k;
};

/// Requantization of one output channel: round(acc * m / 2^s).
struct requant_entry {
  ap_uint<32> m;
  ap_uint<7> s;
};

template <typename W> const W &weight_value(const W &w) { return w; }
template <typename W, int B>
const W &weight_value(const sparse_weight<W, B> &w) {
  return w.w;
}
/// The input a weight multiplies: stored with skip-zeros, else `dense`.
template <typename W> int weight_input(const W &, int dense) { return dense; }
template <typename W, int B>
int weight_input(const sparse_weight<W, B> &w, int) {
  return w.k;
}

/// x * w in DSP blocks.
template <typename P, typename X, typename W> P multiply_dsp(X x, W w) {
  P p = x * w;
#pragma HLS BIND_OP variable = p op = mul impl = dsp
  return p;
}

/// x * w in LUTs.
template <typename P, typename X, typename W> P multiply_fabric(X x, W w) {
  P p = x * w;
#pragma HLS BIND_OP variable = p op = mul impl = fabric
  return p;
}

/// x * w for an integer weight, as the PE's arithmetic says.
template <typename P, int A, typename X, int W>
P product(X x, const ap_int<W> &w) {
  return A == arith_lut_mul ? multiply_fabric<P>(x, w) : multiply_dsp<P>(x, w);
}

/// One term s * 2^e * x of a shift-add product: a shift and a negation.
template <typename P, typename X, int E>
P shift_term(X x, const ap_int<2> &s, const ap_uint<E> &e) {
  P shifted = P(x) << int(e);
  return s == 0 ? P(0) : s > 0 ? shifted : P(-shifted);
}

/// x * w for a power-of-two weight: shifts and adds, no multiplier.
template <typename P, int A, typename X, int E>
P product(X x, const pow2_weight<E> &w) {
  return shift_term<P>(x, w.s0, w.e0) + shift_term<P>(x, w.s1, w.e1);
}

/// x * high and x * low from one multiply (Xilinx WP486): the weights
/// packed 18 bits apart into the 27-bit port, the low product sign-extended
/// from the bottom 18 bits and its borrow returned to the high one. Exact
/// while |x * w| < 2^17 (int8 weights, 9-bit operands).
template <typename P, typename X, int W>
void packed_products(X x, const ap_int<W> &high, const ap_int<W> &low,
                     P &high_product, P &low_product) {
  ap_int<27> packed = (ap_int<27>(high) << 18) + low;
  ap_int<45> both = packed * x;
#pragma HLS BIND_OP variable = both op = mul impl = dsp
  ap_int<18> bottom = both;
  low_product = bottom;
  high_product = (both - bottom) >> 18;
}

/// Two products of different inputs or non-integer weights: no packing.
template <typename P, typename X, typename W>
void packed_products(X x, const W &high, const W &low, P &high_product,
                     P &low_product) {
  high_product = product<P, arith_dsp>(x, high);
  low_product = product<P, arith_dsp>(x, low);
}

/// round_half_even(acc * m / 2^s) + zero_point, clamped: the CPU path's
/// fixed-point requantization.
template <typename O, int ZERO, int MIN, int MAX, typename A>
O requantize(const A &acc, const requant_entry &q) {
  ap_int<64> product = ap_int<64>(acc) * ap_int<64>(q.m);
  int shift = q.s;
  ap_int<64> floor = product >> shift;
  ap_int<64> remainder = product & ((ap_int<64>(1) << shift) - 1);
  ap_int<64> half = ap_int<64>(1) << (shift - 1);
  bool up = remainder > half || (remainder == half && (floor & 1));
  ap_int<64> value = floor + (up ? 1 : 0) + ZERO;
  return value < MIN ? O(MIN) : value > MAX ? O(MAX) : O(value);
}

/// One output vector of a MAC PE: out[o] = requant(bias[o] + sum_k x[k] *
/// w[o][k]), `pe` output channels and `simd` weights per cycle. Weights are
/// stored one word of pe x simd per cycle, group after group of pe
/// channels; a group takes C::group_steps(g) cycles (all its weights, or
/// with skip-zeros its most kept weights over simd).
template <class C>
void mac_output(const typename C::operand_t x[C::x_size],
                const typename C::weight_t weights[C::steps][C::pe * C::simd],
                const typename C::bias_t bias[C::out_channels],
                const requant_entry requant[C::out_channels],
                typename C::output_beat &result) {
  int step = 0;
groups:
  for (int g = 0; g < C::out_channels / C::pe; ++g) {
    typename C::acc_t acc[C::pe];
#pragma HLS ARRAY_PARTITION variable = acc complete
    for (int p = 0; p < C::pe; ++p) {
#pragma HLS UNROLL
      acc[p] = bias[g * C::pe + p];
    }
  steps:
    for (int chunk = 0; chunk < C::group_steps(g); ++chunk, ++step) {
#pragma HLS PIPELINE II = 1
      EFFAI_COUNT_CYCLE(C::counter);
    lanes:
      for (int p = 0; p < C::pe; p += C::arith == arith_dsp_packed ? 2 : 1) {
#pragma HLS UNROLL
        for (int l = 0; l < C::simd; ++l) {
#pragma HLS UNROLL
          int o = g * C::pe + p, k = chunk * C::simd + l;
          const typename C::weight_t &w = weights[step][p * C::simd + l];
          typename C::operand_t xv =
              x[weight_input(w, C::input_index(o, k < C::reduction ? k : 0))];
          if (C::arith == arith_dsp_packed) {
            // The pair's second channel (p itself where nothing is packed:
            // the branch is dead there, the index stays in bounds).
            const int q = C::arith == arith_dsp_packed ? p + 1 : p;
            const typename C::weight_t &w1 = weights[step][q * C::simd + l];
            typename C::product_t high, low;
            packed_products(xv, weight_value(w1), weight_value(w), high, low);
            acc[p] += low;
            acc[q] += high;
          } else {
            acc[p] +=
                product<typename C::product_t, C::arith>(xv, weight_value(w));
          }
        }
      }
    }
    for (int p = 0; p < C::pe; ++p) {
#pragma HLS UNROLL
      if (C::requantizes)
        result[g * C::pe + p] =
            requantize<typename C::output_t, C::out_zero_point, C::out_min,
                       C::out_max>(acc[p], requant[g * C::pe + p]);
      else
        result[g * C::pe + p] = acc[p];
    }
  }
}

/// Shifts `pixel`, at padded column `x`, into a KH x KW window whose
/// columns come from KH - 1 line buffer rows.
template <int KH, int KW, int WIDTH, typename P>
void slide_window(P line[KH > 1 ? KH - 1 : 1][WIDTH], P window[KH][KW], int x,
                  const P &pixel) {
#pragma HLS INLINE
  for (int ky = 0; ky < KH; ++ky) {
#pragma HLS UNROLL
    for (int kx = 0; kx + 1 < KW; ++kx) {
#pragma HLS UNROLL
      window[ky][kx] = window[ky][kx + 1];
    }
  }
  for (int ky = 0; ky + 1 < KH; ++ky) {
#pragma HLS UNROLL
    window[ky][KW - 1] = line[ky][x];
  }
  window[KH - 1][KW - 1] = pixel;
  for (int ky = 0; ky + 2 < KH; ++ky) {
#pragma HLS UNROLL
    line[ky][x] = line[ky + 1][x];
  }
  if (KH > 1)
    line[KH > 1 ? KH - 2 : 0][x] = pixel;
}

/// Whether the window ending at padded (y, x) is an output position.
template <int KH, int KW, int SH, int SW> bool at_output(int y, int x) {
  return y >= KH - 1 && x >= KW - 1 && (y - (KH - 1)) % SH == 0 &&
         (x - (KW - 1)) % SW == 0;
}

/// A convolution PE (HWC streams, one pixel per beat): the padded input
/// slides through a line buffer of KH - 1 rows, one pixel per cycle; each
/// output position runs the MAC loop.
template <class C>
void conv2d(hls::stream<typename C::input_beat> &in,
            hls::stream<typename C::output_beat> &out,
            const typename C::weight_t weights[C::steps][C::pe * C::simd],
            const typename C::bias_t bias[C::out_channels],
            const requant_entry requant[C::out_channels]) {
  typedef typename C::input_beat pixel_t;
  const int KH = C::kernel_h, KW = C::kernel_w;
  pixel_t line[KH > 1 ? KH - 1 : 1][C::padded_width];
#pragma HLS ARRAY_PARTITION variable = line complete dim = 1
  pixel_t window[KH][KW];
#pragma HLS ARRAY_PARTITION variable = window complete dim = 0
  pixel_t padding;
  for (int c = 0; c < C::channels; ++c) {
#pragma HLS UNROLL
    padding[c] = C::input_zero_point;
  }
rows:
  for (int y = 0; y < C::padded_height; ++y) {
  columns:
    for (int x = 0; x < C::padded_width; ++x) {
      // A pixel per iteration; output positions add their MAC loop's.
#pragma HLS LOOP_FLATTEN off
      EFFAI_COUNT_CYCLE(C::counter);
      bool inside = y >= C::pad_top && y < C::pad_top + C::height &&
                    x >= C::pad_left && x < C::pad_left + C::width;
      pixel_t pixel = inside ? in.read() : padding;
      slide_window<KH, KW, C::padded_width>(line, window, x, pixel);
      if (!at_output<KH, KW, C::stride_h, C::stride_w>(y, x))
        continue;
      typename C::operand_t xs[C::x_size];
#pragma HLS ARRAY_PARTITION variable = xs complete
    gather:
      for (int i = 0; i < C::x_size; ++i) {
#pragma HLS UNROLL
        xs[i] = window[i / C::channels / KW][i / C::channels % KW]
                      [i % C::channels] -
                C::input_zero_point;
      }
      typename C::output_beat result;
      mac_output<C>(xs, weights, bias, requant, result);
      out.write(result);
    }
  }
}

/// A fully connected PE: the input frame is read into a buffer, one beat
/// per cycle, then the MAC loop produces the output vector.
template <class C>
void linear(hls::stream<typename C::input_beat> &in,
            hls::stream<typename C::output_beat> &out,
            const typename C::weight_t weights[C::steps][C::pe * C::simd],
            const typename C::bias_t bias[C::out_channels],
            const requant_entry requant[C::out_channels]) {
  // The MAC loop reads any simd inputs per cycle (kept weights' inputs
  // under skip_zeros): registers.
  typename C::operand_t xs[C::x_size];
#pragma HLS ARRAY_PARTITION variable = xs complete
read:
  for (int b = 0; b < C::in_beats; ++b) {
#pragma HLS PIPELINE II = 1
    EFFAI_COUNT_CYCLE(C::counter);
    typename C::input_beat beat = in.read();
    for (int c = 0; c < C::beat_size; ++c)
      xs[b * C::beat_size + c] = beat[c] - C::input_zero_point;
  }
  typename C::output_beat result;
  mac_output<C>(xs, weights, bias, requant, result);
  out.write(result);
}

/// A max-pooling PE: one pixel per cycle through a line buffer; each
/// output position compares its window (per channel, on codes).
template <class C>
void maxpool(hls::stream<typename C::input_beat> &in,
             hls::stream<typename C::output_beat> &out) {
  typedef typename C::input_beat pixel_t;
  const int KH = C::kernel_h, KW = C::kernel_w;
  pixel_t line[KH > 1 ? KH - 1 : 1][C::width];
#pragma HLS ARRAY_PARTITION variable = line complete dim = 1
  pixel_t window[KH][KW];
#pragma HLS ARRAY_PARTITION variable = window complete dim = 0
rows:
  for (int y = 0; y < C::height; ++y) {
  columns:
    for (int x = 0; x < C::width; ++x) {
#pragma HLS PIPELINE II = 1
      EFFAI_COUNT_CYCLE(C::counter);
      slide_window<KH, KW, C::width>(line, window, x, in.read());
      if (!at_output<KH, KW, C::stride_h, C::stride_w>(y, x))
        continue;
      typename C::output_beat result;
      for (int c = 0; c < C::channels; ++c) {
        typename C::input_t best = window[0][0][c];
        for (int ky = 0; ky < KH; ++ky)
          for (int kx = 0; kx < KW; ++kx)
            if (window[ky][kx][c] > best)
              best = window[ky][kx][c];
        result[c] = best;
      }
      out.write(result);
    }
  }
}

/// A clamp PE: every code of a beat clamped to [MIN, MAX], a beat per
/// cycle.
template <class C>
void clamp(hls::stream<typename C::input_beat> &in,
           hls::stream<typename C::output_beat> &out) {
beats:
  for (int b = 0; b < C::in_beats; ++b) {
#pragma HLS PIPELINE II = 1
    EFFAI_COUNT_CYCLE(C::counter);
    typename C::input_beat beat = in.read();
    typename C::output_beat result;
    for (int c = 0; c < C::beat_size; ++c)
      result[c] = beat[c] < C::min   ? typename C::output_t(C::min)
                  : beat[c] > C::max ? typename C::output_t(C::max)
                                     : typename C::output_t(beat[c]);
    out.write(result);
  }
}

} // namespace effai

#if defined(__GNUC__) && !defined(__SYNTHESIS__)
#pragma GCC diagnostic pop
#endif

#endif // EFFAI_LAYERS_H
