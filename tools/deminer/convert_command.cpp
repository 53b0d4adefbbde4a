// deminer convert: any readable recording -> deminer (.dmr), GSSI DZT (.dzt) or SEG-Y (.sgy),
// streaming trace by trace (constant memory).
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "open_options.hpp"
#include "terminal.hpp"

namespace deminer::tools {
namespace {

struct ConvertOptions {
  sim::formats::OpenOptions open;
  std::string input;
  std::string output;
  int dzt_bits = 16;
};

int run(const ConvertOptions& options) {
  const auto reader = sim::formats::open_trace_file(options.input, options.open);
  sim::formats::WriteOptions write_options;
  write_options.dzt_bits = options.dzt_bits;
  const auto writer =
      sim::formats::create_trace_file(options.output, reader->info(), write_options);

  const auto& info = reader->info();
  Progress progress("converting " + options.input,
                    info.traces_per_channel ? *info.traces_per_channel * info.channels : 0);
  dsp::Trace trace;
  std::size_t traces = 0;
  while (reader->next_trace(trace)) {
    writer->write(trace.view());
    progress.update(++traces);
  }
  writer->close();
  for (const auto& w : reader->warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  for (const auto& w : writer->warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  std::printf("%s -> %s: %zu traces of %zu samples\n", options.input.c_str(),
              options.output.c_str(), traces, info.samples_per_trace);
  return 0;
}

}  // namespace

Command add_convert_command(CLI::App& app) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* sub = app.add_subcommand(
      "convert",
      "Convert a recording to another format, chosen by the output extension: .dmr (deminer), "
      ".dzt (GSSI), .sgy/.segy (SEG-Y rev 2, IEEE float, exact sample interval).");
  sub->add_option("input", options->input, "Recording to read (any supported format)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("output", options->output, "File to write")->required();
  sub->add_option("--dzt-bits", options->dzt_bits, "Sample size of a DZT output: 16 or 32")
      ->check(CLI::IsMember({16, 32}))
      ->default_val(16);
  sub->footer("Example:\n  deminer convert FILE____032.DZT survey.sgy");
  add_open_options(*sub, options->open);
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
