// Whole small text files (scenes, truths, pipeline configurations) for the subcommands.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "deminer/dsp/core/error.hpp"

namespace deminer::tools {

// `what` names the file's role in the error, e.g. "truth file".
inline std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open " + what);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace deminer::tools
