//===- Npy.cpp - read and write NumPy .npy files ----------------*- C++ -*-===//

#include "Npy.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace npy {

namespace {

struct Descr {
  const char *text;
  effai_dtype dtype;
};

// NumPy's descr strings ('|' marks byte-sized types). bfloat16 has none.
constexpr Descr kDescrs[] = {
    {"<f4", EFFAI_FLOAT},  {"<f8", EFFAI_DOUBLE}, {"<f2", EFFAI_FLOAT16},
    {"|i1", EFFAI_INT8},   {"<i2", EFFAI_INT16},  {"<i4", EFFAI_INT32},
    {"<i8", EFFAI_INT64},  {"|u1", EFFAI_UINT8},  {"<u2", EFFAI_UINT16},
    {"<u4", EFFAI_UINT32}, {"<u8", EFFAI_UINT64}, {"|b1", EFFAI_BOOL},
};

/// The value of `'key': ...` in the header's dict literal, up to the next
/// top-level comma.
bool findField(const std::string &header, const std::string &key,
               std::string &value) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return false;
  at = header.find(':', at);
  if (at == std::string::npos)
    return false;
  size_t begin = header.find_first_not_of(' ', at + 1);
  if (begin == std::string::npos)
    return false;
  size_t end = header[begin] == '(' ? header.find(')', begin) + 1
                                    : header.find_first_of(",}", begin);
  if (end == std::string::npos || end == 0)
    return false;
  value = header.substr(begin, end - begin);
  return true;
}

bool parseShape(const std::string &text, std::vector<int64_t> &shape) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    return false;
  std::string inner = text.substr(1, text.size() - 2);
  for (char &c : inner)
    if (c == ',')
      c = ' ';
  std::istringstream dims(inner);
  long long dim;
  while (dims >> dim) {
    if (dim < 0)
      return false;
    shape.push_back(dim);
  }
  return dims.eof();
}

} // namespace

bool readNpy(const std::string &path, NpyArray &array, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(file)),
                    std::istreambuf_iterator<char>());
  return parseNpy(bytes, path, array, error);
}

bool parseNpy(const std::string &bytes, const std::string &path,
              NpyArray &array, std::string &error) {
  auto malformed = [&](const std::string &why) {
    error = "'" + path + "' is not a valid .npy file: " + why;
    return false;
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    return malformed("missing the \\x93NUMPY magic");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<unsigned char>(bytes[8]) |
                   static_cast<unsigned char>(bytes[9]) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return malformed("truncated header");
    headerLength = 0;
    for (int i = 3; i >= 0; --i)
      headerLength =
          headerLength << 8 | static_cast<unsigned char>(bytes[8 + i]);
    headerStart = 12;
  } else {
    return malformed("unknown format version " + std::to_string(major));
  }
  if (headerStart + headerLength > bytes.size())
    return malformed("truncated header");
  std::string header = bytes.substr(headerStart, headerLength);

  std::string descr, fortran, shape;
  if (!findField(header, "descr", descr) ||
      !findField(header, "fortran_order", fortran) ||
      !findField(header, "shape", shape))
    return malformed("header lacks descr, fortran_order or shape");
  if (descr.size() >= 2 && descr.front() == '\'' && descr.back() == '\'')
    descr = descr.substr(1, descr.size() - 2);
  if (descr.size() == 3 && descr[0] == '=')
    descr[0] = '<';
  if (descr == "<i1" || descr == "<u1" || descr == "<b1")
    descr[0] = '|';
  const Descr *match = nullptr;
  for (const Descr &candidate : kDescrs)
    if (descr == candidate.text)
      match = &candidate;
  if (!match) {
    error = "'" + path + "' has unsupported dtype '" + descr + "'";
    return false;
  }
  if (fortran != "False") {
    error = "'" + path +
            "' is Fortran-ordered; save a C-ordered array "
            "(numpy.ascontiguousarray)";
    return false;
  }
  array.dtype = match->dtype;
  array.shape.clear();
  if (!parseShape(shape, array.shape))
    return malformed("bad shape " + shape);
  size_t dataBytes = effai_dtype_size(array.dtype);
  for (int64_t dim : array.shape)
    if (__builtin_mul_overflow(dataBytes, static_cast<size_t>(dim), &dataBytes))
      return malformed("shape " + shape + " has more bytes than memory");
  size_t dataStart = headerStart + headerLength;
  if (bytes.size() - dataStart != dataBytes)
    return malformed("expected " + std::to_string(dataBytes) +
                     " data bytes, found " +
                     std::to_string(bytes.size() - dataStart));
  array.data.assign(bytes.begin() + dataStart, bytes.end());
  return true;
}

bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error) {
  const char *descr = nullptr;
  for (const Descr &candidate : kDescrs)
    if (candidate.dtype == array.dtype)
      descr = candidate.text;
  if (!descr) {
    error = std::string("cannot write dtype ") + effai_dtype_name(array.dtype) +
            " to .npy";
    return false;
  }
  std::string shape = "(";
  for (int64_t dim : array.shape)
    shape += std::to_string(dim) + ",";
  if (array.shape.size() > 1)
    shape.pop_back();
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so the data starts 64-byte aligned; end with '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot write '" + path + "'";
    return false;
  }
  char preamble[10] = {'\x93',
                       'N',
                       'U',
                       'M',
                       'P',
                       'Y',
                       1,
                       0,
                       static_cast<char>(header.size() & 0xff),
                       static_cast<char>(header.size() >> 8)};
  file.write(preamble, sizeof(preamble));
  file.write(header.data(), header.size());
  file.write(array.data.data(), array.data.size());
  if (!file) {
    error = "writing '" + path + "' failed";
    return false;
  }
  return true;
}

effai_tensor viewOf(NpyArray &array) {
  return {array.data.data(), array.dtype,
          static_cast<int32_t>(array.shape.size()), array.shape.data()};
}

std::vector<NpyArray> allocateOutputs(effai_model *model) {
  std::vector<NpyArray> outputs(effai_num_outputs(model));
  for (size_t i = 0; i < outputs.size(); ++i) {
    effai_tensor info;
    effai_output_info(model, i, nullptr, &info);
    outputs[i].dtype = info.dtype;
    outputs[i].shape.assign(info.shape, info.shape + info.rank);
    size_t count = 1;
    for (int64_t dim : outputs[i].shape)
      count *= dim;
    outputs[i].data.assign(count * effai_dtype_size(info.dtype), 0);
  }
  return outputs;
}

} // namespace npy
