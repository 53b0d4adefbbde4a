// deminer info: what a recording holds, from its header (and the first trace), as a summary or
// JSON: format, instrument, antenna, sampling, size, positions, marks, GPS, every header field,
// and the conventions the reader applied where readers in the wild disagree.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "open_options.hpp"

namespace deminer::tools {
namespace {

struct InfoOptions {
  sim::formats::OpenOptions open;
  std::string path;
  bool json = false;
};

nlohmann::json to_json(const sim::formats::FileInfo& info) {
  nlohmann::json out = {{"path", info.path.string()},
                        {"format", sim::formats::to_string(info.format)},
                        {"instrument", info.instrument},
                        {"antenna", info.antenna},
                        {"dt_s", info.dt_s},
                        {"time_zero_s", info.time_zero_s},
                        {"samples_per_trace", info.samples_per_trace},
                        {"channels", info.channels},
                        {"sample_format", info.sample_format},
                        {"positions_known", info.positions_known},
                        {"trace_spacing_m", info.trace_spacing_m},
                        {"conventions", info.conventions}};
  out["antenna_frequency_hz"] =
      info.antenna_frequency_hz ? nlohmann::json(*info.antenna_frequency_hz) : nlohmann::json();
  out["traces_per_channel"] =
      info.traces_per_channel ? nlohmann::json(*info.traces_per_channel) : nlohmann::json();
  out["marks"] = nlohmann::json::array();
  for (const auto& m : info.marks) {
    out["marks"].push_back({{"trace", m.trace_index}, {"label", m.label}});
  }
  out["gps"] = nlohmann::json::array();
  for (const auto& g : info.gps) {
    out["gps"].push_back({{"trace", g.trace_index},
                          {"latitude_deg", g.latitude_deg},
                          {"longitude_deg", g.longitude_deg},
                          {"altitude_m", g.altitude_m}});
  }
  out["fields"] = nlohmann::json::object();
  for (const auto& [name, value] : info.fields) out["fields"][name] = value;
  return out;
}

void print_summary(const sim::formats::FileInfo& info) {
  std::printf("%s\n", info.path.string().c_str());
  std::printf("  format            %s\n",
              std::string(sim::formats::to_string(info.format)).c_str());
  if (!info.instrument.empty()) std::printf("  instrument        %s\n", info.instrument.c_str());
  if (!info.antenna.empty() || info.antenna_frequency_hz) {
    std::printf("  antenna           %s", info.antenna.empty() ? "-" : info.antenna.c_str());
    if (info.antenna_frequency_hz) std::printf(" (%.0f MHz)", *info.antenna_frequency_hz / 1e6);
    std::printf("\n");
  }
  std::printf("  samples / trace   %zu (%s)\n", info.samples_per_trace, info.sample_format.c_str());
  std::printf("  sample interval   %.6g ns  (time window %.6g ns, time zero %.6g ns)\n",
              info.dt_s * 1e9, info.dt_s * 1e9 * static_cast<double>(info.samples_per_trace),
              info.time_zero_s * 1e9);
  std::printf("  channels          %zu\n", info.channels);
  if (info.traces_per_channel) {
    std::printf("  traces / channel  %llu\n",
                static_cast<unsigned long long>(*info.traces_per_channel));
  }
  if (info.positions_known) {
    std::printf("  positions         from the file\n");
  } else if (info.trace_spacing_m > 0.0) {
    std::printf("  positions         trace index x %.6g m (nominal spacing)\n",
                info.trace_spacing_m);
  } else {
    std::printf("  positions         unknown (trace index)\n");
  }
  std::printf("  marks             %zu\n  GPS fixes         %zu\n", info.marks.size(),
              info.gps.size());
  if (!info.fields.empty()) {
    std::printf("\n  header fields:\n");
    for (const auto& [name, value] : info.fields) {
      std::printf("    %-28s %s\n", name.c_str(), value.c_str());
    }
  }
  if (!info.conventions.empty()) {
    std::printf("\n  conventions applied:\n");
    for (const auto& c : info.conventions) std::printf("    - %s\n", c.c_str());
  }
}

int run(const InfoOptions& options) {
  const auto reader = sim::formats::open_trace_file(options.path, options.open);
  if (options.json) {
    auto out = to_json(reader->info());
    out["warnings"] = reader->warnings();
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    print_summary(reader->info());
    for (const auto& w : reader->warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
  }
  return 0;
}

}  // namespace

Command add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* sub = app.add_subcommand(
      "info",
      "Summarise a recording from its header: format, instrument, antenna, sampling, traces, "
      "positions, marks, GPS, all header fields, and the conventions applied where readers "
      "disagree. Reads the header only, so it is instant on any file size.");
  sub->add_option("file", options->path, "Recording (any supported format)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_flag("--json", options->json, "Print as JSON");
  add_open_options(*sub, options->open);
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
