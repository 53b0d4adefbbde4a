// deminer: the workstation command line. Each subcommand lives in its own *_command.cpp.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "commands.hpp"
#include "deminer/dsp/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "deminer: ground-penetrating radar and metal-detector signal processing for humanitarian "
      "demining.\nSimulate labelled scenes, replay recordings through the streaming pipeline "
      "(the same code that runs on the handheld unit) and look at what it found."};
  app.set_version_flag("--version", std::string("deminer ") + DEMINER_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'deminer COMMAND --help' for the options of one command.");

  const deminer::tools::Command commands[] = {
      deminer::tools::add_simulate_command(app), deminer::tools::add_replay_command(app),
      deminer::tools::add_info_command(app),     deminer::tools::add_convert_command(app),
      deminer::tools::add_serve_command(app),    deminer::tools::add_run_command(app),
      deminer::tools::add_train_command(app),    deminer::tools::add_tune_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (const auto& command : commands) {
      if (command.subcommand->parsed()) return command.run();
    }
  } catch (const deminer::Error& e) {
    std::fprintf(stderr, "deminer: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "deminer: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
