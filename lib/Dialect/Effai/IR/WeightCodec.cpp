//===- WeightCodec.cpp - reference decoding of compressed weights -*- C++ -*-//
//
// Decodes constant payloads: the sparsity format places each stored weight in
// the [O, R] view, the value format turns its code(s) into a number.
//
//===----------------------------------------------------------------------===//

#include "effai/Dialect/Effai/IR/WeightCodec.h"
#include "effai/Dialect/Effai/IR/PackedIndices.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::effai;

namespace {
/// Builds a failure with a message for the caller.
struct ErrorSink {
  std::string &error;
  LogicalResult fail(const Twine &message) {
    error = message.str();
    return failure();
  }
};
} // namespace

static SmallVector<int64_t> readIntegers(DenseElementsAttr indices) {
  SmallVector<int64_t> result;
  if (!indices)
    return result;
  for (const APInt &index : indices.getValues<APInt>())
    result.push_back(index.getSExtValue());
  return result;
}

/// Computes the flat position (row * R + column in the [O, R] view) of every
/// stored weight, in payload order.
static LogicalResult placeStoredWeights(WeightType type,
                                        ArrayRef<int64_t> indices,
                                        SmallVectorImpl<int64_t> &positions,
                                        ErrorSink sink) {
  int64_t rows = type.getNumOutputChannels();
  int64_t cols = type.getReductionSize();
  int64_t stored = type.getNumStoredWeights();
  positions.reserve(stored);
  // Packed formats (nm, delta, bitmap) store unsigned bytes.
  std::vector<uint8_t> bytes;
  if (isa<NMSparsityAttr, DeltaSparsityAttr, BitmapSparsityAttr>(
          type.getEncoding().getSparsity()))
    bytes.assign(indices.begin(), indices.end());
  auto checkRange = [&](int64_t value, int64_t bound,
                        const char *what) -> LogicalResult {
    if (value < 0 || value >= bound)
      return sink.fail(Twine(what) + " " + Twine(value) +
                       " is out of range [0, " + Twine(bound) + ")");
    return success();
  };

  LogicalResult placed =
      llvm::TypeSwitch<Attribute, LogicalResult>(
          type.getEncoding().getSparsity())
          .Case([&](DenseSparsityAttr) {
            for (int64_t i = 0; i < stored; ++i)
              positions.push_back(i);
            return success();
          })
          .Case([&](NMSparsityAttr nm) {
            int64_t perRow = cols / nm.getM() * nm.getN();
            unsigned width = getNMPositionBits(nm.getM());
            for (int64_t i = 0; i < stored; ++i) {
              int64_t inGroup = readPackedField(bytes, i, width);
              if (failed(checkRange(inGroup, nm.getM(), "N:M position")))
                return failure();
              int64_t row = i / perRow, group = (i % perRow) / nm.getN();
              positions.push_back(row * cols + group * nm.getM() + inGroup);
            }
            return success();
          })
          .Case([&](DeltaSparsityAttr delta) {
            int64_t position = 0;
            for (int64_t k = 0; k < stored; ++k) {
              position += readPackedField(bytes, k, delta.getBits());
              if (failed(checkRange(position, rows * cols, "delta position")))
                return failure();
              positions.push_back(position);
            }
            return success();
          })
          .Case([&](BitmapSparsityAttr) {
            for (int64_t p = 0; p < rows * cols; ++p)
              if (readPackedField(bytes, p, 1))
                positions.push_back(p);
            if (int64_t(positions.size()) != stored)
              return sink.fail("the bitmap marks " + Twine(positions.size()) +
                               " weights but the encoding stores " +
                               Twine(stored));
            return success();
          })
          .Case([&](BlockSparsityAttr block) {
            int64_t bo = block.getBlockShape()[0],
                    br = block.getBlockShape()[1];
            for (int64_t b = 0; b < block.getBlocks(); ++b) {
              int64_t blockRow = indices[2 * b], blockCol = indices[2 * b + 1];
              if (failed(checkRange(blockRow, rows / bo, "block row")) ||
                  failed(checkRange(blockCol, cols / br, "block column")))
                return failure();
              for (int64_t i = 0; i < bo; ++i)
                for (int64_t j = 0; j < br; ++j)
                  positions.push_back((blockRow * bo + i) * cols +
                                      blockCol * br + j);
            }
            return success();
          })
          .Case([&](ChannelSparsityAttr channel) {
            for (int64_t k = 0; k < channel.getKept(); ++k) {
              if (failed(checkRange(indices[k], rows, "kept channel")))
                return failure();
              for (int64_t j = 0; j < cols; ++j)
                positions.push_back(indices[k] * cols + j);
            }
            return success();
          })
          .Case([&](UnstructuredSparsityAttr) {
            for (int64_t n = 0; n < stored; ++n) {
              if (failed(checkRange(indices[2 * n], rows, "row")) ||
                  failed(checkRange(indices[2 * n + 1], cols, "column")))
                return failure();
              positions.push_back(indices[2 * n] * cols + indices[2 * n + 1]);
            }
            return success();
          })
          .Default([&](Attribute attr) {
            return sink.fail("no decoder for sparsity format");
          });
  if (failed(placed))
    return failure();

  // Two stored weights must never claim one position.
  llvm::BitVector seen(rows * cols);
  for (int64_t position : positions) {
    if (seen.test(position))
      return sink.fail("two stored weights share row " +
                       Twine(position / cols) + ", column " +
                       Twine(position % cols));
    seen.set(position);
  }
  return success();
}

/// Decodes the value of every stored weight; `channels[i]` is the output
/// channel of stored weight `i` (for per-channel parameters). With
/// `integerCodes`, the integer code instead (see decodeIntegerCodes).
static LogicalResult decodeValues(WeightType type, DenseElementsAttr values,
                                  ArrayRef<int64_t> channels,
                                  SmallVectorImpl<double> &decoded,
                                  bool integerCodes, ErrorSink sink) {
  return llvm::TypeSwitch<Attribute, LogicalResult>(
             type.getEncoding().getValue())
      .Case([&](FloatFormatAttr) {
        if (integerCodes)
          return sink.fail("float weights have no integer codes");
        for (const APFloat &value : values.getValues<APFloat>()) {
          APFloat wide = value;
          bool losesInfo;
          wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                       &losesInfo);
          decoded.push_back(wide.convertToDouble());
        }
        return success();
      })
      .Case([&](AffineFormatAttr affine) {
        quant::QuantizedType quantType = affine.getQuantType();
        auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType);
        auto perTensor = dyn_cast<quant::UniformQuantizedType>(quantType);
        int64_t i = 0;
        for (const APInt &code : values.getValues<APInt>()) {
          int64_t q = quantType.isSigned() ? code.getSExtValue()
                                           : int64_t(code.getZExtValue());
          double scale =
              perAxis ? perAxis.getScales()[channels[i]] : perTensor.getScale();
          int64_t zeroPoint = perAxis ? perAxis.getZeroPoints()[channels[i]]
                                      : perTensor.getZeroPoint();
          decoded.push_back(integerCodes ? double(q - zeroPoint)
                                         : scale * double(q - zeroPoint));
          ++i;
        }
        return success();
      })
      .Case([&](Pow2FormatAttr pow2) {
        SmallVector<int64_t> codes = readIntegers(values);
        int64_t terms = pow2.getTerms();
        for (int64_t i = 0, e = channels.size(); i < e; ++i) {
          double sum = 0.0;
          for (int64_t t = 0; t < terms; ++t) {
            int64_t code = codes[i * terms + t];
            if (code == 0)
              continue;
            int64_t magnitude = std::abs(code);
            if (magnitude > pow2.getMaxCode())
              return sink.fail("power-of-two code " + Twine(code) +
                               " is outside [-" + Twine(pow2.getMaxCode()) +
                               ", " + Twine(pow2.getMaxCode()) + "]");
            double term = std::ldexp(
                1.0, (integerCodes ? 0 : pow2.getMinExp()) + magnitude - 1);
            sum += code < 0 ? -term : term;
          }
          decoded.push_back(
              integerCodes ? sum : sum * pow2.getScaleForChannel(channels[i]));
        }
        return success();
      })
      .Case([&](FocusedFormatAttr focused) {
        if (integerCodes)
          return sink.fail("focused weights have no integer codes");
        int64_t maxCode = 2 * focused.getLevels() + 1;
        int64_t i = 0;
        for (const APInt &raw : values.getValues<APInt>()) {
          int64_t code = raw.getSExtValue();
          if (std::abs(code) > maxCode)
            return sink.fail("focused code " + Twine(code) + " is outside [-" +
                             Twine(maxCode) + ", " + Twine(maxCode) + "]");
          decoded.push_back(focused.decode(code, channels[i++]));
        }
        return success();
      })
      .Default(
          [&](Attribute) { return sink.fail("no decoder for value format"); });
}

FailureOr<SmallVector<int64_t>> mlir::effai::getStoredWeightPositions(
    WeightType type, ArrayRef<int64_t> indices, std::string &error) {
  ErrorSink sink{error};
  SmallVector<int64_t> positions;
  if (failed(placeStoredWeights(type, indices, positions, sink)))
    return failure();
  return positions;
}

/// Decodes values (or integer codes) into the dense logical layout.
static FailureOr<SmallVector<double>>
decodeDense(WeightType type, DenseElementsAttr values,
            DenseElementsAttr indices, bool integerCodes, std::string &error) {
  ErrorSink sink{error};
  if (values.getType() != type.getValuesType())
    return sink.fail("values payload does not match the weight encoding");
  if (bool(indices) != bool(type.getIndicesType()) ||
      (indices && indices.getType() != type.getIndicesType()))
    return sink.fail("indices payload does not match the weight encoding");

  SmallVector<int64_t> positions;
  if (failed(placeStoredWeights(type, readIntegers(indices), positions, sink)))
    return failure();
  int64_t cols = type.getReductionSize();
  SmallVector<int64_t> channels;
  channels.reserve(positions.size());
  for (int64_t position : positions)
    channels.push_back(position / cols);

  SmallVector<double> decoded;
  decoded.reserve(positions.size());
  if (failed(decodeValues(type, values, channels, decoded, integerCodes, sink)))
    return failure();

  SmallVector<double> dense(type.getNumElements(), 0.0);
  for (auto [position, value] : llvm::zip_equal(positions, decoded))
    dense[position] = value;
  return dense;
}

FailureOr<SmallVector<double>>
mlir::effai::decodeWeight(WeightType type, DenseElementsAttr values,
                          DenseElementsAttr indices, std::string &error) {
  return decodeDense(type, values, indices, /*integerCodes=*/false, error);
}

FailureOr<SmallVector<double>>
mlir::effai::getIntegerCodeScales(WeightType type) {
  int64_t channels = type.getNumOutputChannels();
  SmallVector<double> scales;
  ValueFormatAttrInterface format = type.getEncoding().getValue();
  if (auto affine = dyn_cast<AffineFormatAttr>(format)) {
    quant::QuantizedType quantType = affine.getQuantType();
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType);
    for (int64_t c = 0; c < channels; ++c)
      scales.push_back(
          perAxis ? perAxis.getScales()[c]
                  : cast<quant::UniformQuantizedType>(quantType).getScale());
    return scales;
  }
  auto pow2 = dyn_cast<Pow2FormatAttr>(format);
  // Codes up to 2^(max_code - 1), summed over terms, must fit i32 products.
  if (!pow2 || pow2.getMaxCode() > 16)
    return failure();
  for (int64_t c = 0; c < channels; ++c)
    scales.push_back(pow2.getScaleForChannel(c) *
                     std::ldexp(1.0, pow2.getMinExp()));
  return scales;
}

FailureOr<SmallVector<int64_t>>
mlir::effai::decodeIntegerCodes(WeightType type, DenseElementsAttr values,
                                DenseElementsAttr indices, std::string &error) {
  if (failed(getIntegerCodeScales(type))) {
    error = "the weight's value format has no integer codes";
    return failure();
  }
  FailureOr<SmallVector<double>> dense =
      decodeDense(type, values, indices, /*integerCodes=*/true, error);
  if (failed(dense))
    return failure();
  // Exact: codes are small integers held in doubles.
  return llvm::to_vector(
      llvm::map_range(*dense, [](double c) { return int64_t(c); }));
}
