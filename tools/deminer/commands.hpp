// The subcommands of `deminer`. Each adds its subcommand and options to the CLI11 app and returns
// them with the function that runs the command once the command line is parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace deminer::tools {

struct Command {
  CLI::App* subcommand;
  std::function<int()> run;
};

Command add_simulate_command(CLI::App& app);
Command add_replay_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_convert_command(CLI::App& app);
Command add_serve_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_train_command(CLI::App& app);
Command add_tune_command(CLI::App& app);

}  // namespace deminer::tools
