// Command-line options shared by every command that reads a recording: how to open it where
// the file alone cannot say (SEG-Y interval unit, gprMax receiver and field component).
#pragma once

#include <CLI/CLI.hpp>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::tools {

void add_open_options(CLI::App& command, sim::formats::OpenOptions& options);

}  // namespace deminer::tools
