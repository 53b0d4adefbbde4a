// Runs the `deminer` program (DEMINER_CLI) as a user would, for the command-line tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace deminer::test {

struct CliResult {
  int status = -1;     // exit status, -1 when it did not exit normally
  std::string output;  // stdout, then stderr when merged
};

inline CliResult run_cli(const std::string& arguments, bool merge_stderr = true) {
  const std::string command =
      std::string(DEMINER_CLI) + " " + arguments + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  CliResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace deminer::test
