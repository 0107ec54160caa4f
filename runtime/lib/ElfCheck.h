//===- ElfCheck.h - check a shared object before dlopen ---------*- C++ -*-===//
//
// glibc's dlopen trusts the file: a truncated shared object crashes it
// (it maps and zero-fills segments past the end of the file). The runtime
// reads the ELF headers first and refuses what dlopen would not survive.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_RUNTIME_ELFCHECK_H
#define EFFAI_RUNTIME_ELFCHECK_H

#include <string>

namespace effai::runtime {

/// False, with `error` saying why, unless `path` is a complete 64-bit
/// little-endian ELF shared object for this machine: its program and
/// section header tables and every segment lie inside the file.
bool checkSharedObject(const std::string &path, std::string &error);

} // namespace effai::runtime

#endif // EFFAI_RUNTIME_ELFCHECK_H
