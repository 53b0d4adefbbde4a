// deminer serve: a virtual sensor head. Streams a recording (any format) or a simulation as link
// frames over a pseudo-terminal (its path is printed; open it as serial://PATH) or UDP, at
// real-time pace, with the same fault injection as the replay device.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/transport/udp.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/device/serve.hpp"
#include "deminer/sim/device/virtual_head.hpp"

namespace deminer::tools {
namespace {

std::atomic<bool> stop_serving{false};
extern "C" void on_stop_signal(int) { stop_serving.store(true); }

struct ServeCommandOptions {
  std::string on;
  std::string source;
  std::string to = "127.0.0.1:5005";
  std::string link;
  std::string rate = "realtime";
  sim::FaultOptions faults;
  double outage_ms = 1500;
};

sim::VirtualHeadOptions head_options(const ServeCommandOptions& options) {
  sim::VirtualHeadOptions head;
  head.faults = options.faults;
  try {
    head.pace = drivers::parse_pace(options.rate, head.pace.rate_hz);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string("serve: --rate ") + e.what());
  }
  return head;
}

int run(const ServeCommandOptions& options) {
  sim::VirtualHead head(sim::open_trace_source(options.source), head_options(options));
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  sim::ServeOptions serve;
  serve.link_path = options.link;
  serve.outage = std::chrono::milliseconds(static_cast<long>(options.outage_ms));

  sim::ServeResult result;
  if (options.on == "serial") {
    result = sim::serve_serial(
        head, serve,
        [&](const std::string& path) {
          // stdout carries only the URI to open, one line per (re)attached pty, for scripts.
          std::printf("serial://%s\n", path.c_str());
          std::fflush(stdout);
          std::fprintf(stderr, "deminer serve: %s on %s%s%s\n", options.source.c_str(),
                       path.c_str(), options.link.empty() ? "" : ", link ", options.link.c_str());
        },
        stop_serving);
  } else {
    const auto colon = options.to.rfind(':');
    int port = -1;
    try {
      if (colon != std::string::npos) port = std::stoi(options.to.substr(colon + 1));
    } catch (...) {
    }
    if (colon == std::string::npos || colon == 0 || port < 1 || port > 65535) {
      throw ConfigError("serve: --to " + options.to + " is not HOST:PORT (port 1..65535)");
    }
    drivers::UdpSender sender(options.to.substr(0, colon), static_cast<std::uint16_t>(port));
    std::fprintf(stderr,
                 "deminer serve: %s to udp %s; read it with: deminer run udp://0.0.0.0:%d\n",
                 options.source.c_str(), options.to.c_str(), port);
    result = sim::serve_udp(head, sender, serve, stop_serving);
  }
  const auto& f = head.faults();
  std::fprintf(
      stderr,
      "deminer serve: %llu traces, %llu frames sent intact, %llu dropped, %llu corrupted, "
      "%llu bursts, %llu disconnects (%llu traces lost while down)%s\n",
      static_cast<unsigned long long>(f.traces_read),
      static_cast<unsigned long long>(f.frames_sent), static_cast<unsigned long long>(f.dropped),
      static_cast<unsigned long long>(f.corrupted), static_cast<unsigned long long>(f.bursts),
      static_cast<unsigned long long>(f.disconnects),
      static_cast<unsigned long long>(f.lost_in_outage), result.stopped ? " (stopped)" : "");
  if (result.write_timeouts) {
    std::fprintf(stderr, "warning: the reader stopped reading; bytes were not delivered\n");
  }
  for (const auto& warning : head.source().warnings()) {
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  return 0;
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "serve",
      "Act as a virtual sensor head: stream a recording or a simulation as link frames over a "
      "pseudo-terminal (prints serial://PATH to open) or UDP, at real-time pace, with optional "
      "fault injection (dropped, corrupted frames, error bursts, a pulled cable).");
  sub->add_option("--on", options->on, "Link: serial (a pseudo-terminal) or udp")
      ->required()
      ->check(CLI::IsMember({"serial", "udp"}));
  sub->add_option("source", options->source,
                  "A recording (.dmr .dzt .dt1 .rd3 .sgy .out ...), replay://FILE?channel=N or "
                  "sim://gpr?seed=N&traces=N&scene=FILE.json")
      ->required();
  sub->add_option("--to", options->to, "udp: receiver HOST:PORT")->default_val("127.0.0.1:5005");
  sub->add_option("--link", options->link,
                  "serial: keep a symlink to the current pty here (stable across disconnects)");
  sub->add_option("--rate", options->rate, "realtime (the source's timestamps), max, or traces/s")
      ->default_val("realtime");
  sub->add_option("--drop", options->faults.drop, "Probability of dropping a trace frame")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--corrupt", options->faults.corrupt, "Probability of changing a byte of a frame")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--burst", options->faults.burst,
                  "Probability of an error burst (8-64 bytes) in a frame")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--disconnect-after", options->faults.disconnect_after,
                  "Pull the cable once after this many traces (0: never)");
  sub->add_option("--outage", options->faults.outage_frames, "Traces lost while the cable is out")
      ->default_val(10);
  sub->add_option("--outage-ms", options->outage_ms,
                  "How long the link stays down (UDP receivers notice after their silence_ms)")
      ->default_val(1500)
      ->check(CLI::Range(0.0, 600000.0));
  sub->add_option("--seed", options->faults.seed, "Seed of the fault generator")->default_val(1);
  sub->footer(
      "Examples:\n  deminer serve --on serial scene.dmr --link /tmp/gpr-head\n"
      "  deminer run serial:///tmp/gpr-head --until-disconnect\n"
      "  deminer serve --on udp sim://gpr?seed=3 --to 127.0.0.1:5005 --drop 0.01 --corrupt 0.01\n"
      "Stops at the end of the source or on Ctrl-C.");
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
