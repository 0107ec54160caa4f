//===- FuzzContext.h - an MLIR context per fuzz input -----------*- C++ -*-===//
//
// Each input gets a fresh context (no state leaks between inputs) without
// threads (libFuzzer runs one input at a time), and records whether an
// error was diagnosed: a refusal without one is a bug the targets report.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TOOLS_FUZZERS_FUZZCONTEXT_H
#define EFFAI_TOOLS_FUZZERS_FUZZCONTEXT_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

namespace mlir::effai::fuzz {

/// The target's dialects, registered once per process by
/// `registerDialects`.
inline const mlir::DialectRegistry &
getFuzzRegistry(void (*registerDialects)(mlir::DialectRegistry &)) {
  static mlir::DialectRegistry *registry = [&] {
    auto *fresh = new mlir::DialectRegistry();
    registerDialects(*fresh);
    return fresh;
  }();
  return *registry;
}

class FuzzContext {
public:
  explicit FuzzContext(const mlir::DialectRegistry &registry)
      : context(registry, mlir::MLIRContext::Threading::DISABLED),
        handler(&context, [this](mlir::Diagnostic &diagnostic) {
          diagnosedError |=
              diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error;
          return mlir::success();
        }) {
    context.loadAllAvailableDialects();
  }

  mlir::MLIRContext *get() { return &context; }
  bool hasDiagnosedError() const { return diagnosedError; }

private:
  mlir::MLIRContext context;
  bool diagnosedError = false;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace mlir::effai::fuzz

#endif // EFFAI_TOOLS_FUZZERS_FUZZCONTEXT_H
