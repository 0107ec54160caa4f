# Writes OUTPUT, a C++ fragment holding each of INPUTS as the string
# constant named by the same position in NAMES (raw string literals), so
# effai-translate --emit-hls can write the support headers of a project.
# (comma-separated lists: semicolons do not survive the build tool's shell).
#   cmake -DOUTPUT=out.inc -DINPUTS=a.h,b.h -DNAMES=kA,kB -P EmbedHeaders.cmake
string(REPLACE "," ";" INPUTS "${INPUTS}")
string(REPLACE "," ";" NAMES "${NAMES}")
file(WRITE "${OUTPUT}.tmp" "// Generated from lib/Target/FPGA/HLS; do not edit.\n")
list(LENGTH INPUTS count)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET INPUTS ${i} input)
  list(GET NAMES ${i} name)
  file(READ "${input}" content)
  file(APPEND "${OUTPUT}.tmp"
    "static const char ${name}[] = R\"effai_hls(${content})effai_hls\";\n")
endforeach()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
