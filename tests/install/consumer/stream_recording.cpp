// The README's example: stream a recording through the GPR pipeline, trace by trace.
#include <array>
#include <cstdio>
#include <deminer/drivers/link/recording.hpp>
#include <deminer/dsp/pipeline/gpr_pipeline.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: stream_recording RECORDING.dmr\n");
    return 2;
  }
  // Start-up: everything that allocates happens here.
  auto config = deminer::dsp::GprPipeline::default_config();
  config.samples_per_trace = 512;
  deminer::dsp::GprPipeline pipeline(config);
  std::array<deminer::dsp::Detection, 4> found;

  // Hot path: one trace at a time; process() and flush() are noexcept and never allocate.
  deminer::drivers::link::RecordingReader reader(argv[1]);
  deminer::dsp::Trace trace;
  auto report = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      std::printf("object at %.3f m, depth %.3f m\n", found[i].position_m, found[i].depth_m);
    }
  };
  while (reader.next_trace(trace)) report(pipeline.process(trace.view(), found));
  report(pipeline.flush(found));  // an object still open at the end of the data
}
