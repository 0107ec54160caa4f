//===- Error.h - the runtime's last-error slot ------------------*- C++ -*-===//
//
// Every C entry point that fails records why in one thread-local message
// (effai_last_error); the pieces of the runtime share this setter.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_RUNTIME_ERROR_H
#define EFFAI_RUNTIME_ERROR_H

#include "effai/runtime.h"

#include <string>

namespace effai::runtime {

/// Records `message` as the calling thread's last error; returns `status`.
effai_status fail(effai_status status, std::string message);

} // namespace effai::runtime

#endif // EFFAI_RUNTIME_ERROR_H
