//===- Winograd.h - Winograd F(2x2, 3x3) convolutions -----------*- C++ -*-===//
//
// What both halves of the Winograd rewrite share: which convolutions it
// takes, their sizes, and the work and bytes of each of its stages (the
// policy prices them, the transform builds them).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_UTILS_WINOGRAD_H
#define EFFAI_UTILS_WINOGRAD_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <string>

namespace mlir::effai {

/// A 3x3, stride-1, batch-1 f32 convolution on an already padded input,
/// `out[0, o, h, w] += in[0, c, h + i, w + j] * filter[o, c, i, j]`, as
/// the generic effai-lower-to-linalg builds, and its F(2x2, 3x3) tiling:
/// 2x2 output tiles read 4x4 input tiles, the input padded to a whole
/// number of tiles.
struct WinogradConvShape {
  int64_t channels = 0, filters = 0; // C, O
  int64_t height = 0, width = 0;     // of the result
  int64_t tilesH = 0, tilesW = 0;    // ceil(height / 2), ceil(width / 2)

  int64_t getTiles() const { return tilesH * tilesW; }
  /// Multiplies of the direct convolution and of the 16 channel GEMMs.
  int64_t getDirectMacs() const { return 9 * filters * channels * height * width; }
  int64_t getGemmMacs() const { return 16 * filters * channels * getTiles(); }
  /// Bytes of the transformed filter U[4, 4, O, C] (16/9 of the filter's).
  int64_t getTransformedFilterBytes() const { return 16 * filters * channels * 4; }
  /// Bytes of V[4, 4, C, tiles] (written by the input transform, read by
  /// the GEMMs) and of M[4, 4, O, tiles] (written by them, read by the
  /// output transform).
  int64_t getTransformedInputBytes() const { return 16 * channels * getTiles() * 4; }
  int64_t getTransformedOutputBytes() const { return 16 * filters * getTiles() * 4; }
  /// Bytes of the padded input the input transform reads, and of the
  /// result the output transform writes.
  int64_t getInputBytes() const {
    return channels * (2 * tilesH + 2) * (2 * tilesW + 2) * 4;
  }
  int64_t getResultBytes() const { return filters * height * width * 4; }
  /// Additions of the transforms: each of the 16 entries of B^T d B sums 4
  /// input values (3 adds), each of the 4 of A^T m A sums 9 (8 adds).
  int64_t getInputTransformAdds() const { return 16 * 3 * channels * getTiles(); }
  int64_t getOutputTransformAdds() const { return 4 * 8 * filters * getTiles(); }
};

/// `op` as a WinogradConvShape, or failure with `reason` saying why not (the
/// filter must also be an f32 constant and the init a zero fill).
FailureOr<WinogradConvShape> matchWinogradConv(linalg::GenericOp op,
                                          std::string &reason);

/// The transform matrices of F(2x2, 3x3) (Lavin and Gray 2016).
extern const float kWinogradBT[4][4]; // input: B^T d B
extern const float kWinogradG[4][3];  // filter: G g G^T
extern const float kWinogradAT[2][4]; // output: A^T m A

} // namespace mlir::effai

#endif // EFFAI_UTILS_WINOGRAD_H
