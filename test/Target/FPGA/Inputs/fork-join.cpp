// A fork and join through two FIFOs, simulated with effai_hls.h: `split`
// writes a frame's first half to `a`, then its second half to `b`; `join`
// reads `b` first. `a` must hold half a frame (4 entries), else both
// processes wait on each other forever, as they would in hardware.
#include "effai_hls.h"

#include <cstdio>

int main() {
  effai_hls::simulation::get().reset();
  hls::stream<int, A_DEPTH> a("a");
  hls::stream<int> b("b");
  int sum = 0;
  try {
    effai_hls::dataflow region;
    region.spawn("split", [&] {
      for (int i = 0; i < 4; ++i)
        a.write(i);
      for (int i = 0; i < 4; ++i)
        b.write(10 + i);
    });
    region.spawn("join", [&] {
      for (int i = 0; i < 4; ++i)
        sum += b.read();
      for (int i = 0; i < 4; ++i)
        sum += a.read();
    });
  } catch (const effai_hls::deadlock &) {
    std::printf("%s\n", effai_hls::simulation::get().report.c_str());
    return 1;
  }
  std::printf("sum %d\n", sum);
  return 0;
}
