#include "open_options.hpp"

#include <map>
#include <string>

namespace deminer::tools {

void add_open_options(CLI::App& command, sim::formats::OpenOptions& options) {
  using sim::formats::SegyIntervalUnit;
  const std::map<std::string, SegyIntervalUnit> units = {{"auto", SegyIntervalUnit::automatic},
                                                         {"us", SegyIntervalUnit::microseconds},
                                                         {"ps", SegyIntervalUnit::picoseconds}};
  command
      .add_option("--segy-interval", options.segy_interval_unit,
                  "SEG-Y sample interval unit: us (the standard), ps (some GPR exporters), or "
                  "auto (ps only when the text header says radar and there is no rev 2 interval)")
      ->transform(CLI::CheckedTransformer(units, CLI::ignore_case))
      ->default_str("auto")
      ->group("Opening files");
  command
      .add_option("--gprmax-rx", options.gprmax_receiver, "gprMax receiver to read (rx1, rx2, ...)")
      ->default_val(options.gprmax_receiver)
      ->group("Opening files");
  command
      .add_option("--gprmax-component", options.gprmax_component,
                  "gprMax field component to read (Ex, Ey, Ez, Hx, Hy, Hz, ...)")
      ->default_val(options.gprmax_component)
      ->group("Opening files");
}

}  // namespace deminer::tools
