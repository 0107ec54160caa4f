// effai_rtl.v - the PE library of effai's emitted Verilog.
//
// Part of every design `effai-translate --emit-verilog` writes. Streams are
// valid/ready: a beat moves when both are high at a clock edge. Each PE
// follows the cycle model of effai's estimator: one input beat (a padded
// pixel) per cycle, then one MAC step (pe x simd products) per cycle; a
// full output register stalls the PE only when the next result is due. Weights, input indices,
// biases and requantization constants come from ROMs initialised with
// $readmemh (files the emitter writes next to the design).
//
// Vendor-neutral Verilog-2005: yosys (synth_xilinx, synth_ice40), Verilator
// and iverilog read it.

`default_nettype none

// A FIFO of DEPTH beats, WIDTH bits each.
module effai_fifo #(
  parameter WIDTH = 8,
  parameter DEPTH = 2
) (
  input  wire             clk,
  input  wire             rst,
  input  wire [WIDTH-1:0] in_data,
  input  wire             in_valid,
  output wire             in_ready,
  output wire [WIDTH-1:0] out_data,
  output wire             out_valid,
  input  wire             out_ready
);
  localparam AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
  reg [WIDTH-1:0] mem [0:DEPTH-1];
  reg [AW-1:0] head, tail;
  reg [AW:0] count;
  wire push = in_valid && in_ready;
  wire pop = out_valid && out_ready;
  assign in_ready = count < DEPTH;
  assign out_valid = count != 0;
  assign out_data = mem[head];
  always @(posedge clk) begin
    if (rst) begin
      head <= 0;
      tail <= 0;
      count <= 0;
    end else begin
      if (push) begin
        mem[tail] <= in_data;
        tail <= tail == DEPTH - 1 ? 0 : tail + 1;
      end
      if (pop)
        head <= head == DEPTH - 1 ? 0 : head + 1;
      count <= count + (push ? 1 : 0) - (pop ? 1 : 0);
    end
  end
endmodule

// Codes clamped to [MIN, MAX], a beat per cycle.
module effai_clamp #(
  parameter BEAT = 1,
  parameter W = 8,
  parameter SIGNED = 0,
  parameter integer MIN = 0,
  parameter integer MAX = 255
) (
  input  wire            clk,
  input  wire            rst,
  input  wire [BEAT*W-1:0] in_data,
  input  wire            in_valid,
  output wire            in_ready,
  output reg  [BEAT*W-1:0] out_data,
  output reg             out_valid,
  input  wire            out_ready
);
  assign in_ready = !out_valid || out_ready;
  integer c;
  reg signed [W:0] v;
  always @(posedge clk) begin
    if (rst) begin
      out_valid <= 0;
    end else begin
      if (out_valid && out_ready)
        out_valid <= 0;
      if (in_valid && in_ready) begin
        for (c = 0; c < BEAT; c = c + 1) begin
          v = SIGNED ? {in_data[c*W+W-1], in_data[c*W +: W]}
                     : {1'b0, in_data[c*W +: W]};
          out_data[c*W +: W] <= v < MIN ? MIN[W-1:0]
                              : v > MAX ? MAX[W-1:0] : v[W-1:0];
        end
        out_valid <= 1;
      end
    end
  end
endmodule

// The MAC engine's parameters (besides K, its input count), which conv2d
// and linear PEs take and pass on, and its instance in those PEs over
// their `x`, `start` and `busy`. WB: bits of a weight entry; EB: of a
// shift-add exponent; IB: of an input index; OP_W: of (code - zero point).
`define EFFAI_MAC_PARAMETERS \
  parameter O = 2, \
  parameter PE = 1, \
  parameter SIMD = 1, \
  parameter STEPS = 8, \
  parameter ARITH = 0, \
  parameter WB = 8, \
  parameter EB = 3, \
  parameter IB = 2, \
  parameter OP_W = 9, \
  parameter ACC_W = 20, \
  parameter OUT_W = 8, \
  parameter REQUANT = 1, \
  parameter integer OUT_ZP = 0, \
  parameter integer OUT_MIN = 0, \
  parameter integer OUT_MAX = 255, \
  parameter WEIGHTS = "weights.mem", \
  parameter BIASES = "biases.mem", \
  parameter REQUANTS = "requants.mem"
`define EFFAI_MAC \
  effai_mac #(.K(K), .O(O), .PE(PE), .SIMD(SIMD), .STEPS(STEPS), \
              .ARITH(ARITH), .WB(WB), .EB(EB), .IB(IB), .OP_W(OP_W), \
              .ACC_W(ACC_W), .OUT_W(OUT_W), .REQUANT(REQUANT), \
              .OUT_ZP(OUT_ZP), .OUT_MIN(OUT_MIN), .OUT_MAX(OUT_MAX), \
              .WEIGHTS(WEIGHTS), .BIASES(BIASES), .REQUANTS(REQUANTS)) \
    mac (.clk(clk), .rst(rst), .x(x), .start(start), .busy(busy), \
         .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready));

// The MAC engine of conv2d and linear PEs: given an input vector `x` (K
// operands, code - zero point, held while busy) and a `start` pulse, runs
// STEPS MAC steps, one per cycle from the cycle `start` is high. Each step
// reads one ROM word: for each of PE x SIMD lanes a weight and the index
// of its input in `x` (the kept weights of a pruned layer, or all), and
// whether the step ends a group of PE output channels. A group starts from
// the bias and ends with the fixed-point requantization of its PE
// accumulators; the last step waits for the output register to be free.
//
// ARITH: 0 dsp (x * w, a DSP each), 1 dsp-packed (built as dsp products
// here: the two-per-DSP packing is the HLS templates' so far), 2 lut-mul
// (partial products added in LUTs), 3 shift-add
// (weights as terms s0 * 2^e0 + s1 * 2^e1: {s1[1:0], s0[1:0], e1, e0} with
// signs 01 = +1, 11 = -1, 00 = no term).
module effai_mac #(
  parameter K = 4,
  `EFFAI_MAC_PARAMETERS
) (
  input  wire               clk,
  input  wire               rst,
  input  wire [K*OP_W-1:0]  x,
  input  wire               start,
  output wire               busy,
  output reg  [O*OUT_W-1:0] out_data,
  output reg                out_valid,
  input  wire               out_ready
);
  localparam LANES = PE * SIMD;
  localparam WORD = 1 + LANES * (WB + IB);

  reg [WORD-1:0] rom [0:STEPS-1];
  reg [31:0] bias [0:O-1];
  reg [38:0] requant [0:O-1]; // {shift[6:0], multiplier[31:0]}
`ifdef VERILATOR
  // The simulation artifact names the directory of its ROM files.
  string dir;
  initial begin
    if (!$value$plusargs("effai_mem=%s", dir))
      dir = ".";
    $readmemh({dir, "/", WEIGHTS}, rom);
    $readmemh({dir, "/", BIASES}, bias);
    $readmemh({dir, "/", REQUANTS}, requant);
  end
`else
  initial begin
    $readmemh(WEIGHTS, rom);
    $readmemh(BIASES, bias);
    $readmemh(REQUANTS, requant);
  end
`endif

  reg running;
  reg [31:0] step, group;
  reg signed [ACC_W-1:0] acc [0:PE-1];
  reg [O*OUT_W-1:0] result;
  wire active = running || start;
  wire [WORD-1:0] word = rom[step];
  wire last_step = step == STEPS - 1;
  wire advance = active && (!last_step || !out_valid || out_ready);
  assign busy = active;

  // The operands as an array: a lane's input is a multiplexer over them
  // (an offset computed as idx * OP_W would be a multiplier).
  wire [OP_W-1:0] operands [0:K-1];
  genvar gk;
  generate
    for (gk = 0; gk < K; gk = gk + 1) begin : split
      assign operands[gk] = x[gk*OP_W +: OP_W];
    end
  endgenerate

  // The products of one step, summed per output channel of the group.
  reg signed [ACC_W-1:0] sums [0:PE-1];
  integer p, l, lane;
  reg signed [OP_W-1:0] xv;
  reg [WB-1:0] w;
  reg [IB-1:0] idx;
  reg signed [63:0] prod;
  always @* begin
    for (p = 0; p < PE; p = p + 1) begin
      sums[p] = 0;
      for (l = 0; l < SIMD; l = l + 1) begin
        lane = p * SIMD + l;
        w = word[1 + lane * (WB + IB) +: WB];
        idx = word[1 + lane * (WB + IB) + WB +: IB];
        xv = operands[idx];
        prod = product(xv, w);
        sums[p] = sums[p] + prod[ACC_W-1:0];
      end
    end
  end

  // x * w as ARITH builds it.
  function automatic signed [63:0] product(input signed [OP_W-1:0] xin,
                                           input [WB-1:0] win);
    reg signed [63:0] xe;
    reg [1:0] s0, s1;
    reg [EB-1:0] e0, e1;
    integer b;
    begin
      xe = xin;
      if (ARITH == 3) begin
        e0 = win[EB-1:0];
        e1 = win[2*EB-1:EB];
        s0 = win[2*EB+1:2*EB];
        s1 = win[2*EB+3:2*EB+2];
        product = (s0 == 2'b01 ? (xe <<< e0) : s0 == 2'b11 ? -(xe <<< e0) : 0) +
                  (s1 == 2'b01 ? (xe <<< e1) : s1 == 2'b11 ? -(xe <<< e1) : 0);
      end else if (ARITH == 2) begin
        // A multiplier in LUTs: shifted copies of x for the weight's bits
        // (its top bit negative), added; no $mul for synthesis to put in
        // a DSP.
        product = 0;
        for (b = 0; b < WB; b = b + 1)
          if (win[b])
            product = b == WB - 1 ? product - (xe <<< b) : product + (xe <<< b);
      end else begin
        product = xe * $signed(win);
      end
    end
  endfunction

  // round_half_even(acc * m / 2^s) + OUT_ZP, clamped: effai's fixed-point
  // requantization.
  function automatic [OUT_W-1:0] requantize(input signed [ACC_W-1:0] a,
                                            input [38:0] q);
    reg signed [63:0] full, floor_, rem, half, v;
    reg [6:0] s;
    begin
      s = q[38:32];
      full = $signed({{(64-ACC_W){a[ACC_W-1]}}, a}) *
             $signed({32'd0, q[31:0]});
      floor_ = full >>> s;
      rem = full & ((64'sd1 <<< s) - 64'sd1);
      half = 64'sd1 <<< (s - 7'd1);
      v = floor_ + ((rem > half || (rem == half && floor_[0])) ? 64'sd1 : 64'sd0) +
          OUT_ZP;
      requantize = v < OUT_MIN ? OUT_MIN[OUT_W-1:0]
                 : v > OUT_MAX ? OUT_MAX[OUT_W-1:0] : v[OUT_W-1:0];
    end
  endfunction

  reg first;
  reg signed [ACC_W-1:0] total;
  reg signed [63:0] wide;
  reg [O*OUT_W-1:0] next;
  always @(posedge clk) begin
    if (rst) begin
      running <= 0;
      step <= 0;
      group <= 0;
      first <= 1;
      out_valid <= 0;
    end else begin
      if (out_valid && out_ready)
        out_valid <= 0;
      // A start the full output register holds back is not lost.
      if (start)
        running <= 1;
      if (advance) begin
        next = result;
        for (p = 0; p < PE; p = p + 1) begin
          total = (first ? $signed(bias[group * PE + p][ACC_W-1:0]) : acc[p]) +
                  sums[p];
          acc[p] <= total;
          wide = total;
          if (word[0])
            next[(group * PE + p) * OUT_W +: OUT_W] =
                REQUANT ? requantize(total, requant[group * PE + p])
                        : wide[OUT_W-1:0];
        end
        result <= next;
        first <= word[0];
        if (word[0])
          group <= group + 1;
        if (last_step) begin
          out_data <= next;
          out_valid <= 1;
          running <= 0;
          step <= 0;
          group <= 0;
        end else begin
          step <= step + 1;
        end
      end
    end
  end
endmodule

// A KH x KW window sliding over rows of WIDTH pixels (PIX_W bits each):
// `shift` moves `pixel`, at column `col`, in; `window` is flat, pixel
// (ky, kx) at bits [(ky * KW + kx) * PIX_W +: PIX_W], the newest at
// (KH - 1, KW - 1). KH - 1 rows are held in a line buffer.
module effai_window #(
  parameter KH = 3,
  parameter KW = 3,
  parameter WIDTH = 8,
  parameter PIX_W = 8
) (
  input  wire                   clk,
  input  wire                   shift,
  input  wire [31:0]            col,
  input  wire [PIX_W-1:0]       pixel,
  output wire [KH*KW*PIX_W-1:0] window
);
  localparam ROWS = KH > 1 ? KH - 1 : 1;
  reg [PIX_W-1:0] line [0:ROWS*WIDTH-1];
  reg [PIX_W-1:0] regs [0:KH*KW-1];
  genvar g;
  generate
    for (g = 0; g < KH * KW; g = g + 1) begin : flat
      assign window[g*PIX_W +: PIX_W] = regs[g];
    end
  endgenerate
  integer ky, kx;
  always @(posedge clk) begin
    if (shift) begin
      for (ky = 0; ky < KH; ky = ky + 1)
        for (kx = 0; kx + 1 < KW; kx = kx + 1)
          regs[ky * KW + kx] <= regs[ky * KW + kx + 1];
      for (ky = 0; ky + 1 < KH; ky = ky + 1)
        regs[ky * KW + KW - 1] <= line[ky * WIDTH + col];
      regs[KH * KW - 1] <= pixel;
      for (ky = 0; ky + 2 < KH; ky = ky + 1)
        line[ky * WIDTH + col] <= line[(ky + 1) * WIDTH + col];
      if (KH > 1)
        line[(KH - 2) * WIDTH + col] <= pixel;
    end
  end
endmodule

// A fully connected PE: reads its input frame (IN_BEATS beats of BEAT
// codes, a beat per cycle), then runs the MAC engine over it.
module effai_linear #(
  parameter IN_BEATS = 1,
  parameter BEAT = 4,
  parameter IN_W = 8,
  parameter IN_SIGNED = 0,
  parameter integer ZP = 0,
  parameter K = 4,
  `EFFAI_MAC_PARAMETERS
) (
  input  wire                 clk,
  input  wire                 rst,
  input  wire [BEAT*IN_W-1:0] in_data,
  input  wire                 in_valid,
  output wire                 in_ready,
  output wire [O*OUT_W-1:0]   out_data,
  output wire                 out_valid,
  input  wire                 out_ready
);
  reg [K*OP_W-1:0] x;
  reg [31:0] beat;
  reg start;
  wire busy;
  assign in_ready = !busy;
  `EFFAI_MAC
  // Beats shift in from the top: after the frame the first is at the
  // bottom, as x orders them (no computed offsets, no multipliers).
  integer c;
  reg [IN_W:0] code;
  reg [BEAT*OP_W-1:0] incoming;
  always @* begin
    for (c = 0; c < BEAT; c = c + 1) begin
      code = IN_SIGNED ? {in_data[c*IN_W+IN_W-1], in_data[c*IN_W +: IN_W]}
                       : {1'b0, in_data[c*IN_W +: IN_W]};
      incoming[c*OP_W +: OP_W] = $signed(code) - ZP;
    end
  end
  generate
    if (IN_BEATS == 1) begin : whole
      always @(posedge clk)
        if (in_valid && in_ready)
          x <= incoming;
    end else begin : beats
      always @(posedge clk)
        if (in_valid && in_ready)
          x <= {incoming, x[K*OP_W-1:BEAT*OP_W]};
    end
  endgenerate
  always @(posedge clk) begin
    start <= 0;
    if (rst) begin
      beat <= 0;
    end else if (in_valid && in_ready) begin
      if (beat == IN_BEATS - 1) begin
        beat <= 0;
        start <= 1;
      end else begin
        beat <= beat + 1;
      end
    end
  end
endmodule

// A convolution PE (HWC streams, a pixel per beat): walks the padded input
// a pixel per cycle (padding is the zero point, read from no stream) into
// a sliding window; at each output position the MAC engine runs over the
// window.
module effai_conv2d #(
  parameter H = 8,
  parameter W = 8,
  parameter C = 1,
  parameter KH = 3,
  parameter KW = 3,
  parameter SH = 1,
  parameter SW = 1,
  parameter PAD_T = 1,
  parameter PAD_L = 1,
  parameter HP = 10,       // padded height
  parameter WP = 10,       // padded width
  parameter IN_W = 8,
  parameter IN_SIGNED = 0,
  parameter integer ZP = 0,
  `EFFAI_MAC_PARAMETERS
) (
  input  wire              clk,
  input  wire              rst,
  input  wire [C*IN_W-1:0] in_data,
  input  wire              in_valid,
  output wire              in_ready,
  output wire [O*OUT_W-1:0] out_data,
  output wire              out_valid,
  input  wire              out_ready
);
  localparam K = KH * KW * C;
  reg [31:0] y, xcol;
  reg start;
  wire busy;
  wire in_frame = y >= PAD_T && y < PAD_T + H && xcol >= PAD_L &&
                xcol < PAD_L + W;
  wire [C*IN_W-1:0] padding = {C{ZP[IN_W-1:0]}};
  // A pixel moves when the MAC engine is idle: from the stream in_frame the
  // frame, from nowhere in the padding.
  wire move = !busy && !start && (!in_frame || in_valid);
  assign in_ready = !busy && !start && in_frame;
  wire [K*IN_W-1:0] window;
  effai_window #(.KH(KH), .KW(KW), .WIDTH(WP), .PIX_W(C*IN_W))
    slide (.clk(clk), .shift(move), .col(xcol),
           .pixel(in_frame ? in_data : padding), .window(window));
  // The window's operands, code - zero point.
  reg [K*OP_W-1:0] x;
  integer i;
  reg [IN_W:0] code;
  always @* begin
    for (i = 0; i < K; i = i + 1) begin
      code = IN_SIGNED ? {window[i*IN_W+IN_W-1], window[i*IN_W +: IN_W]}
                       : {1'b0, window[i*IN_W +: IN_W]};
      x[i*OP_W +: OP_W] = $signed(code) - ZP;
    end
  end
  `EFFAI_MAC
  always @(posedge clk) begin
    start <= 0;
    if (rst) begin
      y <= 0;
      xcol <= 0;
    end else if (move) begin
      // The window ending here is an output position: compute it next.
      start <= y >= KH - 1 && xcol >= KW - 1 && (y - (KH - 1)) % SH == 0 &&
               (xcol - (KW - 1)) % SW == 0;
      if (xcol == WP - 1) begin
        xcol <= 0;
        y <= y == HP - 1 ? 0 : y + 1;
      end else begin
        xcol <= xcol + 1;
      end
    end
  end
endmodule

// A max-pooling PE: a pixel per cycle through a sliding window; each
// output position takes the per-channel maximum of its window (codes
// compared as SIGNED says).
module effai_maxpool #(
  parameter H = 8,
  parameter W = 8,
  parameter C = 1,
  parameter KH = 2,
  parameter KW = 2,
  parameter SH = 2,
  parameter SW = 2,
  parameter IN_W = 8,
  parameter SIGNED = 0
) (
  input  wire              clk,
  input  wire              rst,
  input  wire [C*IN_W-1:0] in_data,
  input  wire              in_valid,
  output wire              in_ready,
  output reg  [C*IN_W-1:0] out_data,
  output reg               out_valid,
  input  wire              out_ready
);
  reg [31:0] y, xcol;
  // The window a pixel completed is compared the cycle after it moved in,
  // while the next pixel moves; a full output register holds both.
  reg pending;
  wire stall = pending && out_valid && !out_ready;
  assign in_ready = !stall;
  wire move = in_valid && in_ready;
  wire [KH*KW*C*IN_W-1:0] window;
  effai_window #(.KH(KH), .KW(KW), .WIDTH(W), .PIX_W(C*IN_W))
    slide (.clk(clk), .shift(move), .col(xcol), .pixel(in_data),
           .window(window));
  integer ch, k;
  reg signed [IN_W:0] best, v;
  reg [C*IN_W-1:0] maxima;
  always @* begin
    for (ch = 0; ch < C; ch = ch + 1) begin
      best = 0;
      for (k = 0; k < KH * KW; k = k + 1) begin
        v = SIGNED ? {window[(k * C + ch) * IN_W + IN_W - 1],
                      window[(k * C + ch) * IN_W +: IN_W]}
                   : {1'b0, window[(k * C + ch) * IN_W +: IN_W]};
        if (k == 0 || v > best)
          best = v;
      end
      maxima[ch*IN_W +: IN_W] = best[IN_W-1:0];
    end
  end
  always @(posedge clk) begin
    if (rst) begin
      y <= 0;
      xcol <= 0;
      pending <= 0;
      out_valid <= 0;
    end else begin
      if (out_valid && out_ready)
        out_valid <= 0;
      if (pending && !stall) begin
        out_data <= maxima;
        out_valid <= 1;
      end
      if (!stall)
        pending <= move && y >= KH - 1 && xcol >= KW - 1 &&
                   (y - (KH - 1)) % SH == 0 && (xcol - (KW - 1)) % SW == 0;
      if (move) begin
        if (xcol == W - 1) begin
          xcol <= 0;
          y <= y == H - 1 ? 0 : y + 1;
        end else begin
          xcol <= xcol + 1;
        end
      end
    end
  end
endmodule

`default_nettype wire
