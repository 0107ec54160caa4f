//===- ElfCheck.cpp - check a shared object before dlopen -----------------===//

#include "ElfCheck.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace effai::runtime {

namespace {

#if defined(__x86_64__)
constexpr int kHostMachine = EM_X86_64;
constexpr const char *kHostMachineName = "x86-64";
#elif defined(__aarch64__)
constexpr int kHostMachine = EM_AARCH64;
constexpr const char *kHostMachineName = "AArch64";
#else
#error "the runtime's ELF check knows x86-64 and AArch64 hosts"
#endif

/// Whether [offset, offset + size) lies inside a file of `fileSize` bytes.
bool inside(uint64_t offset, uint64_t size, uint64_t fileSize) {
  return offset <= fileSize && size <= fileSize - offset;
}

} // namespace

bool checkSharedObject(const std::string &path, std::string &error) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) {
    error = "cannot open '" + path + "'";
    return false;
  }
  uint64_t fileSize = uint64_t(file.tellg());
  file.seekg(0);
  Elf64_Ehdr header;
  if (fileSize < sizeof header ||
      !file.read(reinterpret_cast<char *>(&header), sizeof header) ||
      std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    error = "'" + path + "' is not a shared object (no ELF header)";
    return false;
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_type != ET_DYN) {
    error = "'" + path + "' is not a 64-bit little-endian shared object";
    return false;
  }
  if (header.e_machine != kHostMachine) {
    error = "'" + path + "' is built for another machine (ELF machine " +
            std::to_string(header.e_machine) + "; this runtime runs on " +
            kHostMachineName + ")";
    return false;
  }
  auto truncated = [&](const std::string &what, uint64_t offset,
                       uint64_t size) {
    error = "'" + path + "' is truncated or corrupt: its " + what +
            " needs bytes [" + std::to_string(offset) + ", " +
            std::to_string(offset + size) + ") but the file has " +
            std::to_string(fileSize);
    return false;
  };
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0)
    return truncated("program header table", header.e_phoff, 0);
  uint64_t tableSize = uint64_t(header.e_phnum) * sizeof(Elf64_Phdr);
  if (!inside(header.e_phoff, tableSize, fileSize))
    return truncated("program header table", header.e_phoff, tableSize);
  if (header.e_shnum != 0 &&
      !inside(header.e_shoff, uint64_t(header.e_shnum) * header.e_shentsize,
              fileSize))
    return truncated("section header table", header.e_shoff,
                     uint64_t(header.e_shnum) * header.e_shentsize);
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  file.seekg(std::streamoff(header.e_phoff));
  if (!file.read(reinterpret_cast<char *>(segments.data()), tableSize))
    return truncated("program header table", header.e_phoff, tableSize);
  for (size_t i = 0; i < segments.size(); ++i) {
    const Elf64_Phdr &segment = segments[i];
    if (segment.p_type != PT_NULL &&
        !inside(segment.p_offset, segment.p_filesz, fileSize))
      return truncated("segment " + std::to_string(i), segment.p_offset,
                       segment.p_filesz);
  }
  return true;
}

} // namespace effai::runtime
