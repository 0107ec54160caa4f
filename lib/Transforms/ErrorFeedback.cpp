//===- ErrorFeedback.cpp - GPTQ-style rounding error feedback ---*- C++ -*-===//

#include "ErrorFeedback.h"

#include "effai/Transforms/InputGram.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace {

/// Lower Cholesky factor of the symmetric `[n, n]` matrix `a` in place
/// (upper triangle zeroed); false unless positive definite.
bool choleskyInPlace(std::vector<double> &a, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double diagonal = a[j * n + j];
    for (size_t k = 0; k < j; ++k)
      diagonal -= a[j * n + k] * a[j * n + k];
    if (!(diagonal > 0.0))
      return false;
    double pivot = std::sqrt(diagonal);
    a[j * n + j] = pivot;
    for (size_t i = j + 1; i < n; ++i) {
      double sum = a[i * n + j];
      for (size_t k = 0; k < j; ++k)
        sum -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = sum / pivot;
    }
    for (size_t k = j + 1; k < n; ++k)
      a[j * n + k] = 0.0;
  }
  return true;
}

/// `gram` as the objective uses it: inputs that are always 0 decoupled and
/// GPTQ's damping (1% of the mean diagonal, which keeps it well
/// conditioned) added.
std::vector<double> getDampedGram(ArrayRef<double> gram, size_t n) {
  std::vector<double> h(gram.begin(), gram.end());
  double meanDiagonal = 0.0;
  for (size_t j = 0; j < n; ++j)
    meanDiagonal += h[j * n + j];
  meanDiagonal /= double(n);
  for (size_t j = 0; j < n; ++j) {
    // An input that is always 0 makes its column free: decouple it.
    if (h[j * n + j] <= 0.0)
      h[j * n + j] = meanDiagonal > 0.0 ? meanDiagonal : 1.0;
    h[j * n + j] += 0.01 * meanDiagonal;
  }
  return h;
}

/// The upper Cholesky factor U of G⁻¹ (G⁻¹ = Uᵀ U) for the damped Gram
/// matrix `h`, GPTQ's form: row j of U scales column j's error onto
/// columns > j. Empty when `h` is not positive definite.
std::vector<double> getFeedbackFactor(std::vector<double> h, size_t n) {
  if (!choleskyInPlace(h, n))
    return {};
  // L⁻¹ by forward substitution, then G⁻¹ = L⁻ᵀ L⁻¹.
  std::vector<double> inverseL(n * n, 0.0);
  for (size_t j = 0; j < n; ++j) {
    inverseL[j * n + j] = 1.0 / h[j * n + j];
    for (size_t i = j + 1; i < n; ++i) {
      double sum = 0.0;
      for (size_t k = j; k < i; ++k)
        sum += h[i * n + k] * inverseL[k * n + j];
      inverseL[i * n + j] = -sum / h[i * n + i];
    }
  }
  std::vector<double> inverse(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= i; ++j) {
      double sum = 0.0;
      for (size_t k = i; k < n; ++k)
        sum += inverseL[k * n + i] * inverseL[k * n + j];
      inverse[i * n + j] = inverse[j * n + i] = sum;
    }
  if (!choleskyInPlace(inverse, n))
    return {};
  // U = Lᵀ of G⁻¹'s lower factor.
  std::vector<double> upper(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i; j < n; ++j)
      upper[i * n + j] = inverse[j * n + i];
  return upper;
}

/// Greedy coordinate descent on GPTQ's objective (CDQuant, Nair and
/// Suggala, 2024): GPTQ visits each column once, in order; afterwards a
/// single value may still lower the row's output error eᵀ h e (e = original
/// - rounded, `h` damped) by moving to another level. For each stored value
/// in turn, the level nearest to the unconstrained optimum q_j + (h e)_j /
/// h_jj is taken when it lowers the error, for up to `maxSweeps` sweeps or
/// until no value moves. `rounded` holds the dense rounded row on entry.
void refineRow(const double *original, double *rounded, const int64_t *stored,
               ArrayRef<double> h, size_t n,
               function_ref<double(size_t index, double value)> round,
               unsigned maxSweeps) {
  // g = h e, kept current as values move.
  std::vector<double> g(n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    double error = original[k] - rounded[k];
    if (error == 0.0)
      continue;
    for (size_t i = 0; i < n; ++i)
      g[i] += h[i * n + k] * error;
  }
  for (unsigned sweep = 0; sweep < maxSweeps; ++sweep) {
    bool moved = false;
    for (size_t j = 0; j < n; ++j) {
      if (stored[j] < 0)
        continue;
      double diagonal = h[j * n + j];
      double level =
          round(size_t(stored[j]), float(rounded[j] + g[j] / diagonal));
      double step = level - rounded[j];
      // eᵀhe falls by 2 step g_j - step² h_jj; a tolerance keeps ties and
      // rounding noise from cycling. The caller stores the level and rounds
      // it again: only a level that rounds to itself can be taken (a
      // focused level across zero belongs to the other mode).
      if (step == 0.0 ||
          2.0 * step * g[j] - step * step * diagonal <= 1e-12 * diagonal ||
          round(size_t(stored[j]), float(level)) != level)
        continue;
      rounded[j] = level;
      for (size_t i = 0; i < n; ++i)
        g[i] -= h[i * n + j] * step;
      moved = true;
    }
    if (!moved)
      return;
  }
}

} // namespace

bool mlir::effai::feedRoundingErrorsForward(
    FloatWeight &weight, ArrayRef<double> gram,
    function_ref<double(size_t index, double value)> round,
    unsigned refineSweeps) {
  size_t rows = weight.type.getNumOutputChannels();
  size_t cols = weight.type.getReductionSize();
  std::vector<double> damped = getDampedGram(gram, cols);
  std::vector<double> factor = getFeedbackFactor(damped, cols);
  if (factor.empty())
    return false;
  // The dense [O, R] view and where each position is stored (-1: not).
  std::vector<double> dense(rows * cols, 0.0);
  std::vector<int64_t> stored(rows * cols, -1);
  for (auto [index, position] : llvm::enumerate(weight.positions)) {
    dense[position] = weight.values[index];
    stored[position] = int64_t(index);
  }
  std::vector<double> original = dense;
  std::vector<double> rounded(rows * cols, 0.0);
  for (size_t col = 0; col < cols; ++col) {
    const double *feedback = factor.data() + col * cols;
    for (size_t row = 0; row < rows; ++row) {
      double *w = dense.data() + row * cols;
      int64_t index = stored[row * cols + col];
      if (index >= 0) {
        // Rounded as the caller will round it: at f32.
        w[col] = float(w[col]);
        rounded[row * cols + col] = round(size_t(index), w[col]);
        weight.values[index] = float(w[col]);
      }
      double error = (w[col] - rounded[row * cols + col]) / feedback[col];
      if (error == 0.0)
        continue;
      for (size_t k = col + 1; k < cols; ++k)
        w[k] -= error * feedback[k];
    }
  }
  if (refineSweeps == 0)
    return true;
  // Where a value moved, the caller gets its new level (which rounds to
  // itself); elsewhere the value GPTQ left.
  std::vector<double> refined = rounded;
  for (size_t row = 0; row < rows; ++row) {
    size_t begin = row * cols;
    refineRow(original.data() + begin, refined.data() + begin,
              stored.data() + begin, damped, cols, round, refineSweeps);
    for (size_t col = 0; col < cols; ++col)
      if (int64_t index = stored[begin + col];
          index >= 0 && refined[begin + col] != rounded[begin + col])
        weight.values[index] = float(refined[begin + col]);
  }
  return true;
}

bool mlir::effai::feedRoundingErrorsForward(
    PackOp pack, FloatWeight &weight, StringRef passName,
    function_ref<double(size_t index, double value)> round,
    unsigned refineSweeps) {
  std::vector<double> gram = readInputGram(pack, passName);
  if (gram.empty())
    return false;
  if (feedRoundingErrorsForward(weight, gram, round, refineSweeps))
    return true;
  pack.emitWarning() << passName << ": " << kInputGramAttrName
                     << " is not positive definite: rounded without "
                        "error feedback";
  return false;
}
