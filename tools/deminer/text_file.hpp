// Whole small text files (scenes, truths, pipeline configurations, models) for the subcommands.
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

inline void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw IoError(path + ": cannot write (does the folder exist?)");
}

}  // namespace deminer::tools
