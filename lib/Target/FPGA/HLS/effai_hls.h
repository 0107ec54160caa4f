//===- effai_hls.h - types and streams of effai's emitted HLS C++ ---------===//
//
// Part of every project `effai-translate --emit-hls` writes. Under Vitis HLS
// (__SYNTHESIS__, or EFFAI_USE_VITIS_HEADERS where ap_int.h is found) the
// real ap_int.h and hls_stream.h are used. Everywhere else this header is
// the host simulation: ap_int up to 64 bits and ap_uint up to 63 that
// wrap like hardware on every assignment, and hls::stream FIFOs of their real
// depth. Dataflow processes run on threads; a read of an empty or a write to a
// full FIFO blocks, and when every process is blocked the simulation stops with
// a deadlock report naming each blocked process and FIFO (a FIFO too small for
// its design deadlocks here as it would in hardware, instead of hiding as it
// does with unbounded C-simulation streams).
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_HLS_H
#define EFFAI_HLS_H

#include <cstdint>

#if defined(__SYNTHESIS__) ||                                                  \
    (defined(EFFAI_USE_VITIS_HEADERS) && __has_include(<ap_int.h>))
#include <ap_int.h>
#include <hls_stream.h>
#define EFFAI_HLS_VITIS 1
// Synthesis: processes are calls inside the DATAFLOW region and the
// simulation's loop counters do not exist.
#define EFFAI_DATAFLOW_BEGIN()
#define EFFAI_PROCESS(name, call) call
#define EFFAI_DATAFLOW_END()
#define EFFAI_COUNT_CYCLE(counter)
#else

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

template <int W> struct ap_uint;

/// A signed integer of W bits: every assignment wraps to W bits.
template <int W> struct ap_int {
  static_assert(W >= 1 && W <= 64, "simulated ap_int: 1 to 64 bits");
  int64_t value = 0;
  ap_int() = default;
  ap_int(int64_t v) : value(wrap(v)) {}
  template <int V> ap_int(const ap_int<V> &v) : value(wrap(v.value)) {}
  template <int V> ap_int(const ap_uint<V> &v) : value(wrap(v.value)) {}
  operator int64_t() const { return value; }
  /// A left shift in 64 bits (Vitis keeps W bits): assign the result to
  /// a type wide enough for it, as the templates do.
  int64_t operator<<(int amount) const {
    return int64_t(uint64_t(value) << amount);
  }
  ap_int &operator+=(int64_t v) { return *this = value + v; }
  ap_int &operator-=(int64_t v) { return *this = value - v; }
  static int64_t wrap(int64_t v) {
    return W == 64 ? v : int64_t(uint64_t(v) << (64 - W)) >> (64 - W);
  }
};

/// An unsigned integer of W bits: every assignment wraps to W bits.
template <int W> struct ap_uint {
  static_assert(W >= 1 && W <= 63, "simulated ap_uint: 1 to 63 bits");
  int64_t value = 0;
  ap_uint() = default;
  ap_uint(int64_t v) : value(wrap(v)) {}
  template <int V> ap_uint(const ap_uint<V> &v) : value(wrap(v.value)) {}
  template <int V> ap_uint(const ap_int<V> &v) : value(wrap(v.value)) {}
  operator int64_t() const { return value; }
  int64_t operator<<(int amount) const {
    return int64_t(uint64_t(value) << amount);
  }
  ap_uint &operator+=(int64_t v) { return *this = value + v; }
  static int64_t wrap(int64_t v) {
    return int64_t(uint64_t(v) & ((uint64_t(1) << W) - 1));
  }
};

namespace effai_hls {

/// The state all FIFOs and processes of a simulation share: who runs, who
/// waits on what, and whether they deadlocked.
struct simulation {
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0; ///< processes not waiting for their children
  int blocked = 0; ///< of those, blocked on a FIFO
  bool deadlocked = false;
  /// What each blocked process waits for, and whether it is there yet (a
  /// woken process counts as blocked until it runs again).
  struct wait {
    std::string what;
    std::function<bool()> ready;
  };
  std::map<std::thread::id, wait> waits;
  std::string report;

  static simulation &get() {
    static simulation instance;
    return instance;
  }
  /// Call with the mutex held whenever running or blocked changes.
  void check() {
    if (deadlocked || running == 0 || blocked < running)
      return;
    for (const auto &entry : waits)
      if (entry.second.ready())
        return;
    deadlocked = true;
    report = "deadlock: every dataflow process is blocked on a FIFO:";
    for (const auto &entry : waits)
      report += "\n  " + entry.second.what;
    changed.notify_all();
  }
  /// Starts a simulation on the calling thread (the host, one running
  /// process), clearing a previous run's deadlock.
  void reset() {
    std::lock_guard<std::mutex> lock(mutex);
    deadlocked = false;
    report.clear();
    waits.clear();
    running = 1;
    blocked = 0;
  }
};

/// Thrown out of every blocked process once the simulation deadlocked.
struct deadlock : std::exception {
  const char *what() const noexcept override { return "deadlock"; }
};

/// The name of the process running on this thread, for reports.
inline std::string &process_name() {
  thread_local std::string name = "host";
  return name;
}

} // namespace effai_hls

namespace hls {

template <typename T, int Depth = 0> class stream;

/// A FIFO (hls::stream<T>): read blocks while it is empty, write while it
/// is full. Its depth is 2, as an unsized FIFO is in hardware, or Depth as
/// hls::stream<T, Depth> says.
template <typename T> class stream<T, 0> {
public:
  explicit stream(const char *name = "stream", int depth = 2)
      : name_(name), depth_(depth) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  void write(const T &value) {
    effai_hls::simulation &sim = effai_hls::simulation::get();
    std::unique_lock<std::mutex> lock(sim.mutex);
    wait(
        sim, lock, [&] { return int(data_.size()) < depth_; }, "write to",
        "full");
    data_.push_back(value);
    sim.changed.notify_all();
  }
  T read() {
    effai_hls::simulation &sim = effai_hls::simulation::get();
    std::unique_lock<std::mutex> lock(sim.mutex);
    wait(
        sim, lock, [&] { return !data_.empty(); }, "read from", "empty");
    T value = data_.front();
    data_.pop_front();
    sim.changed.notify_all();
    return value;
  }
  void read(T &value) { value = read(); }
  void operator<<(const T &value) { write(value); }
  void operator>>(T &value) { value = read(); }
  bool empty() {
    std::lock_guard<std::mutex> lock(effai_hls::simulation::get().mutex);
    return data_.empty();
  }
  bool full() {
    std::lock_guard<std::mutex> lock(effai_hls::simulation::get().mutex);
    return int(data_.size()) >= depth_;
  }
  int size() {
    std::lock_guard<std::mutex> lock(effai_hls::simulation::get().mutex);
    return int(data_.size());
  }

private:
  template <typename Ready>
  void wait(effai_hls::simulation &sim, std::unique_lock<std::mutex> &lock,
            Ready ready, const char *what, const char *state) {
    if (ready())
      return;
    if (sim.deadlocked)
      throw effai_hls::deadlock();
    ++sim.blocked;
    sim.waits[std::this_thread::get_id()] = {
        effai_hls::process_name() + ": " + what + " '" + name_ + "' (" + state +
            ", depth " + std::to_string(depth_) + ")",
        ready};
    sim.check();
    sim.changed.wait(lock, [&] { return ready() || sim.deadlocked; });
    --sim.blocked;
    sim.waits.erase(std::this_thread::get_id());
    if (!ready())
      throw effai_hls::deadlock();
  }

  std::string name_;
  int depth_;
  std::deque<T> data_;
};

/// A FIFO of Depth entries, passed as the hls::stream<T> it is.
template <typename T, int Depth> class stream : public stream<T, 0> {
public:
  explicit stream(const char *name = "stream") : stream<T, 0>(name, Depth) {}
};

} // namespace hls

namespace effai_hls {

/// The processes of one DATAFLOW region, each on its own thread; the
/// destructor waits for them (and rethrows a deadlock). While it waits the
/// parent is not a running process; the last child to finish hands its
/// place back to it, so no moment looks like a deadlock that is not one.
class dataflow {
public:
  ~dataflow() noexcept(false) {
    simulation &sim = simulation::get();
    {
      std::lock_guard<std::mutex> lock(sim.mutex);
      if (remaining_ > 0) {
        parent_waits_ = true;
        --sim.running;
        sim.check();
      }
    }
    for (std::thread &thread : threads_)
      thread.join();
    if (failed_ && !std::uncaught_exceptions())
      throw deadlock();
  }
  void spawn(const std::string &name, std::function<void()> body) {
    simulation &sim = simulation::get();
    {
      std::lock_guard<std::mutex> lock(sim.mutex);
      ++sim.running;
      ++remaining_;
    }
    threads_.emplace_back([this, name, body] {
      process_name() = name;
      try {
        body();
      } catch (const deadlock &) {
        failed_ = true;
      }
      simulation &sim = simulation::get();
      std::lock_guard<std::mutex> lock(sim.mutex);
      if (--remaining_ == 0 && parent_waits_)
        parent_waits_ = false; // the parent runs again in this one's place
      else
        --sim.running;
      sim.check();
    });
  }

private:
  std::vector<std::thread> threads_;
  int remaining_ = 0;         ///< children still running (sim mutex)
  bool parent_waits_ = false; ///< the parent gave up its place (sim mutex)
  std::atomic<bool> failed_{false};
};

/// Iterations of each PE's pipelined (II = 1) loops: the cycles the
/// estimator predicts.
inline uint64_t cycles[256];

} // namespace effai_hls

#define EFFAI_DATAFLOW_BEGIN() effai_hls::dataflow effai_dataflow_region;
#define EFFAI_PROCESS(name, call)                                              \
  effai_dataflow_region.spawn(name, [&] { call; })
#define EFFAI_DATAFLOW_END()
#define EFFAI_COUNT_CYCLE(counter) ++effai_hls::cycles[counter]

#endif // Vitis or simulation

#endif // EFFAI_HLS_H
