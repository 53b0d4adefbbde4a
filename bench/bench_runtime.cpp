// The live runtime end to end over loopback: a sender thread encodes GPR traces (512 samples) as
// link frames and sends them over UDP or a pseudo-terminal; the device, the acquisition thread,
// the SPSC queues and the DSP thread running the GPR pipeline process them.
//  - frames/s: sent as fast as the runtime takes them (a window of 32 frames in flight, since UDP
//    has no flow control); items_per_second is frames through the whole chain;
//  - latency: each trace carries the sender's monotonic clock, and the DSP thread measures
//    send -> pipeline done (transport, decoding, queueing and DSP), median and 99th percentile
//    (4% histogram resolution), here paced at 1000 frames/s so queueing does not dominate.
// The pipeline alone (bench_gpr_pipeline) is the bound to compare frames/s against.
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>
#include <vector>

#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/drivers/runtime/gpr_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/drivers/transport/pseudo_terminal.hpp"
#include "deminer/drivers/transport/serial.hpp"
#include "deminer/drivers/transport/udp.hpp"
#include "deminer/sim/gpr/scene.hpp"

namespace {

namespace drivers = deminer::drivers;
namespace dsp = deminer::dsp;
namespace link = drivers::link;

// The GPR pipeline, measuring send -> done from the trace's timestamp (sender's monotonic clock).
class TimedPipeline final : public drivers::TraceProcessor {
 public:
  explicit TimedPipeline(const dsp::GprPipeline::Config& config) : inner_(config) {}
  std::size_t process(const dsp::TraceView& trace,
                      std::span<dsp::Detection> out) noexcept override {
    const std::size_t n = inner_.process(trace, out);
    latency.add(drivers::monotonic_ns() - trace.header.timestamp_ns);
    return n;
  }
  std::size_t flush(std::span<dsp::Detection> out) noexcept override { return inner_.flush(out); }
  drivers::LatencyHistogram latency;

 private:
  drivers::GprPipelineProcessor inner_;
};

class FrameMaker {
 public:
  FrameMaker() : scene_(deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene())) {
    payload_.resize(link::trace_payload_size(scene_.traces[0].samples.size()));
    frame_.resize(link::frame_size(payload_.size()));
  }
  std::span<const std::byte> next() {
    dsp::TraceView view = scene_.traces[count_ % scene_.traces.size()].view();
    view.header.sequence = count_;
    view.header.timestamp_ns = drivers::monotonic_ns();
    const std::size_t p = link::encode_trace_payload(view, payload_);
    link::FrameHeader header;
    header.sequence = static_cast<std::uint32_t>(count_++);
    header.timestamp_ns = view.header.timestamp_ns;
    const std::size_t n = link::encode_frame(header, std::span(payload_).first(p), frame_);
    return std::span<const std::byte>(frame_).first(n);
  }

 private:
  deminer::sim::SimulatedScene scene_;
  std::vector<std::byte> payload_;
  std::vector<std::byte> frame_;
  std::uint64_t count_ = 0;
};

enum Link : int { udp = 0, pty = 1 };

void BM_Runtime(benchmark::State& state) {
  const auto link_kind = static_cast<Link>(state.range(0));
  const auto pace_hz = static_cast<double>(state.range(1));  // 0: as fast as possible
  TimedPipeline processor(dsp::GprPipeline::default_config());
  drivers::RuntimeConfig config;
  config.overflow = drivers::OverflowPolicy::wait;
  std::unique_ptr<drivers::PseudoTerminal> pty;
  std::unique_ptr<drivers::UdpSender> sender;
  std::unique_ptr<drivers::Device> device;
  if (link_kind == udp) {
    auto udp_device = drivers::open_udp_device("udp://127.0.0.1:0?silence_ms=60000");
    sender = std::make_unique<drivers::UdpSender>("127.0.0.1", udp_device->local_port());
    device = std::move(udp_device);
  } else {
    pty = std::make_unique<drivers::PseudoTerminal>();
    device = drivers::open_serial_device("serial://" + pty->slave_path() + "?baud=4000000");
  }
  drivers::Runtime runtime(std::move(device), processor, config);
  runtime.start();
  FrameMaker frames;
  std::uint64_t sent = 0;
  const auto period = std::chrono::nanoseconds(pace_hz > 0 ? static_cast<long>(1e9 / pace_hz) : 0);
  auto next_send = std::chrono::steady_clock::now();
  for (auto _ : state) {
    if (pace_hz > 0) {
      next_send += period;
      std::this_thread::sleep_until(next_send);  // not spinning: the runtime needs both cores
    } else {
      while (runtime.counters().traces_processed + 32 < sent) std::this_thread::yield();
    }
    const auto bytes = frames.next();
    if (link_kind == udp) {
      sender->send(bytes);
    } else {
      pty->write_all(bytes, std::chrono::milliseconds(5000));
    }
    ++sent;
  }
  // After the timed loop: let the last frames through so every latency is recorded.
  while (runtime.counters().traces_processed < sent) std::this_thread::yield();
  runtime.stop();
  state.SetItemsProcessed(static_cast<std::int64_t>(sent));
  state.counters["latency_p50_us"] = static_cast<double>(processor.latency.quantile(0.5)) / 1e3;
  state.counters["latency_p99_us"] = static_cast<double>(processor.latency.quantile(0.99)) / 1e3;
  state.counters["overflows"] = static_cast<double>(runtime.counters().overflows);
}
BENCHMARK(BM_Runtime)
    ->ArgNames({"link", "pace_hz"})
    ->Args({udp, 0})
    ->Args({pty, 0})
    ->Args({udp, 1000})
    ->Args({pty, 1000})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
