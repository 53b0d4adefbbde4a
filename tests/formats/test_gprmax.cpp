// gprMax .out: every shared file against h5py's reading of the raw dataset
// (tests/reference/make_gprmax_reference.py: every sample through per-trace sums, full columns of
// two traces), synthetic files for the variants the shared data lacks (new attribute names,
// several receivers, float64 data, bad layouts), and truncated or garbage files.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/gprmax.hpp"
#include "scratch_dir.hpp"

using namespace deminer::sim::formats;
using deminer::FormatError;
using deminer::dsp::Trace;
namespace fs = std::filesystem;

namespace {

std::optional<std::string> field(const FileInfo& info, const std::string& name) {
  for (const auto& [key, value] : info.fields) {
    if (key == name) return value;
  }
  return std::nullopt;
}

bool has_convention(const FileInfo& info, const std::string& text) {
  for (const auto& c : info.conventions) {
    if (c.find(text) != std::string::npos) return true;
  }
  return false;
}

OpenOptions choose(std::string receiver, std::string component) {
  OpenOptions options;
  options.gprmax_receiver = std::move(receiver);
  options.gprmax_component = std::move(component);
  return options;
}

std::string open_error(const fs::path& path, const OpenOptions& options = {}) {
  try {
    (void)open_gprmax(path, options);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

// Writes synthetic gprMax files with the HDF5 C API (layouts as gprMax 3.1 writes them).
class H5Writer {
 public:
  explicit H5Writer(const fs::path& path)
      : file_(H5Fcreate(path.string().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {}
  ~H5Writer() { H5Fclose(file_); }
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  void numbers(const char* object, const char* name, const std::vector<double>& values) {
    const hsize_t n = values.size();
    const hid_t space =
        values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
    const hid_t attribute = H5Acreate_by_name(file_, object, name, H5T_IEEE_F64LE, space,
                                              H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, H5T_NATIVE_DOUBLE, values.data());
    H5Aclose(attribute);
    H5Sclose(space);
  }
  void integer(const char* name, int value) {
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attribute = H5Acreate2(file_, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, H5T_NATIVE_INT, &value);
    H5Aclose(attribute);
    H5Sclose(space);
  }
  void text(const char* object, const char* name, const std::string& value) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, value.size() + 1);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attribute =
        H5Acreate_by_name(file_, object, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, type, value.c_str());
    H5Aclose(attribute);
    H5Sclose(space);
    H5Tclose(type);
  }
  void group(const char* path) {
    H5Gclose(H5Gcreate2(file_, path, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  }
  // Samples value(i, t) = i + 1000 t in a dataset of shape dims.
  void dataset(const char* path, std::vector<hsize_t> dims, hid_t file_type) {
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t set =
        H5Dcreate2(file_, path, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t traces = dims.size() > 1 ? dims[1] : 1;
    std::size_t total = 1;
    for (const hsize_t d : dims) total *= d;
    std::vector<double> values(total);
    for (std::size_t k = 0; k < total; ++k) {
      values[k] = static_cast<double>(k / traces) + 1000.0 * static_cast<double>(k % traces);
    }
    H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(set);
    H5Sclose(space);
  }

 private:
  hid_t file_;
};

class Gprmax : public ::testing::Test {
 protected:
  // A merged B-scan in gprMax 3.1 style with the new attribute names: 40 samples × 6 traces,
  // receivers rx1 and rx2.
  fs::path merged(const std::string& name = "merged.out") const {
    const fs::path path = dir_ / name;
    H5Writer w(path);
    w.text("/", "Title", "synthetic B-scan");
    w.text("/", "gprMax", "3.1.7");
    w.integer("Iterations", 40);
    w.integer("nrx", 2);
    w.numbers("/", "dt", {1.5e-12});
    w.numbers("/", "dx_dy_dz", {0.001, 0.001, 0.002});
    w.numbers("/", "rxsteps", {10, 0, 0});
    w.group("/rxs");
    for (const char* rx : {"/rxs/rx1", "/rxs/rx2"}) {
      w.group(rx);
      for (const char* c : {"Ez", "Hy"}) {
        w.dataset((std::string(rx) + "/" + c).c_str(), {40, 6}, H5T_IEEE_F32LE);
      }
    }
    return path;
  }

  deminer::test::ScratchDir dir_;
};

std::vector<Trace> read_all(TraceFileReader& reader) {
  std::vector<Trace> traces;
  Trace t;
  while (reader.next_trace(t)) traces.push_back(t);
  return traces;
}

TEST_F(Gprmax, SharedFilesMatchH5pyReading) {
  const fs::path data(DEMINER_SHARED_DATA);
  if (!fs::exists(data)) GTEST_SKIP() << "shared data folder absent: " << data;
  std::ifstream ref_file(std::string(DEMINER_TEST_REFERENCE_DIR) + "/gprmax_reference.json");
  const auto refs = nlohmann::json::parse(ref_file);
  ASSERT_EQ(refs.size(), 9u);
  for (const auto& ref : refs) {
    const std::string name = ref["file"];
    SCOPED_TRACE(name);
    const fs::path path = data / name;
    std::ifstream in(path, std::ios::binary);
    std::vector<char> head(4096);
    in.read(head.data(), 4096);
    EXPECT_TRUE(looks_like_gprmax(std::as_bytes(std::span(head))));

    const auto reader = open_gprmax(path);
    const FileInfo& info = reader->info();
    EXPECT_EQ(info.format, FileFormat::gprmax);
    EXPECT_EQ(info.dt_s, ref["dt_s"].get<double>());
    EXPECT_EQ(info.samples_per_trace, ref["samples"].get<std::size_t>());
    EXPECT_EQ(info.traces_per_channel, ref["traces"].get<std::uint64_t>());
    EXPECT_EQ(info.channels, 1u);
    EXPECT_EQ(info.sample_format, "float32");
    std::string components;
    for (const auto& c : ref["components"])
      components += (components.empty() ? "" : ", ") + c.get<std::string>();
    EXPECT_EQ(field(info, "components"), components);
    if (ref.contains("position_m")) {
      EXPECT_TRUE(info.positions_known);
    } else {
      EXPECT_FALSE(info.positions_known);
      EXPECT_EQ(info.trace_spacing_m, 0.0);  // merged files keep neither rxsteps nor cell size
    }

    const auto traces = read_all(*reader);
    ASSERT_EQ(traces.size(), ref["traces"].get<std::size_t>());
    EXPECT_TRUE(reader->warnings().empty());
    for (std::size_t t = 0; t < traces.size(); ++t) {
      double sum = 0.0;
      double magnitude = 0.0;
      for (const float v : traces[t].samples) sum += v, magnitude += std::fabs(v);
      EXPECT_NEAR(sum, ref["trace_sums"][t].get<double>(), 1e-12 * magnitude) << "trace " << t;
      EXPECT_EQ(traces[t].header.sequence, t);
      EXPECT_EQ(traces[t].header.dt_s, info.dt_s);
    }
    for (const auto& [column, values] : ref["full_columns"].items()) {
      const Trace& t = traces[std::stoul(column)];
      for (std::size_t i = 0; i < values.size(); ++i) {
        ASSERT_EQ(t.samples[i], values[i].get<float>()) << "trace " << column << " sample " << i;
      }
    }
    for (const auto& [index, v] : ref["spot"].items()) {
      EXPECT_EQ(traces.back().samples[std::stoul(index)], v.get<float>());
    }
    if (ref.contains("position_m")) {
      EXPECT_DOUBLE_EQ(traces[0].header.position_m, ref["position_m"].get<double>());
    }
  }
}

TEST_F(Gprmax, LayoutsOfTheSharedFiles) {
  const fs::path data(DEMINER_SHARED_DATA);
  if (!fs::exists(data)) GTEST_SKIP() << "shared data folder absent: " << data;
  const auto old_names =
      open_gprmax(data / "recordings/gprMax/gprMax/user_models/cylinder_Ascan_2D.out");
  EXPECT_EQ(field(old_names->info(), "dx, dy, dz"), "0.002, 0.002, 0.002");
  EXPECT_EQ(field(old_names->info(), "layout"), "A-scan");
  EXPECT_EQ(old_names->info().instrument, "gprMax");  // the version is a variable-length string
  EXPECT_TRUE(has_convention(old_names->info(), "not shown: Title, gprMax, Name"));
  EXPECT_TRUE(has_convention(old_names->info(), "source-receiver midpoint"));

  const auto layout_2015 = open_gprmax(
      data /
      "recordings/gprMax/gprMax/tests/experimental/antenna_GSSI_1500_fs/antenna_GSSI_1500_fs.out");
  EXPECT_EQ(field(layout_2015->info(), "layout"), "A-scan (2015: /txs, Position datasets)");
  EXPECT_TRUE(field(layout_2015->info(), "receiver position").has_value());

  const auto hx =
      open_gprmax(data / "recordings/dlilien/ImpDAR/test/input_data/rectangle_gprMax_Bscan.h5",
                  choose("rx1", "Hx"));
  EXPECT_EQ(field(hx->info(), "component"), "Hx");
  EXPECT_EQ(hx->info().traces_per_channel, 85u);
}

TEST_F(Gprmax, NewAttributeNamesSeveralReceiversAndSpacing) {
  const fs::path path = merged();
  const auto reader = open_gprmax(path, choose("rx2", "Hy"));
  const FileInfo& info = reader->info();
  EXPECT_EQ(info.samples_per_trace, 40u);
  EXPECT_EQ(info.traces_per_channel, 6u);
  EXPECT_EQ(info.dt_s, 1.5e-12);
  EXPECT_EQ(field(info, "dx_dy_dz"), "0.001, 0.001, 0.002");
  EXPECT_EQ(field(info, "Title"), "synthetic B-scan");
  EXPECT_EQ(info.instrument, "gprMax 3.1.7");
  EXPECT_EQ(field(info, "layout"), "merged B-scan");
  EXPECT_FALSE(info.positions_known);
  EXPECT_DOUBLE_EQ(info.trace_spacing_m, 0.010);
  const auto traces = read_all(*reader);
  ASSERT_EQ(traces.size(), 6u);
  for (std::size_t t = 0; t < 6; ++t) {
    for (std::size_t i = 0; i < 40; ++i) {
      ASSERT_EQ(traces[t].samples[i], static_cast<float>(i + 1000 * t));
    }
    EXPECT_DOUBLE_EQ(traces[t].header.position_m, 0.010 * static_cast<double>(t));
  }
}

TEST_F(Gprmax, LongTracesAreReadInSeveralBlocksOfColumns) {
  // 400000 samples: the reader's 4 MiB blocks hold 2 columns, so 5 traces take 3 reads.
  const fs::path path = dir_ / "long.out";
  {
    H5Writer w(path);
    w.numbers("/", "dt", {1e-12});
    w.group("/rxs");
    w.group("/rxs/rx1");
    w.dataset("/rxs/rx1/Ez", {400000, 5}, H5T_IEEE_F32LE);
  }
  const auto reader = open_gprmax(path);
  const auto traces = read_all(*reader);
  ASSERT_EQ(traces.size(), 5u);
  for (std::size_t t = 0; t < 5; ++t) {
    for (const std::size_t i : {0u, 1u, 199999u, 399999u}) {
      EXPECT_EQ(traces[t].samples[i], static_cast<float>(i + 1000 * t)) << t << " " << i;
    }
  }
}

TEST_F(Gprmax, Float64DataAndSingleAscan) {
  const fs::path path = dir_ / "ascan.out";
  {
    H5Writer w(path);
    w.numbers("/", "dt", {2e-12});
    w.group("/rxs");
    w.group("/rxs/rx1");
    w.numbers("/rxs/rx1", "Position", {0.5, 0.1, 0.0});
    w.dataset("/rxs/rx1/Ez", {25}, H5T_IEEE_F64LE);
  }
  const auto reader = open_gprmax(path);
  EXPECT_EQ(reader->info().sample_format, "float64");
  EXPECT_TRUE(reader->info().positions_known);
  EXPECT_TRUE(has_convention(reader->info(), "receiver (no source position"));
  const auto traces = read_all(*reader);
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].samples[24], 24.0f);
  EXPECT_EQ(traces[0].header.position_m, 0.5);
}

TEST_F(Gprmax, MissingReceiverOrComponentListsWhatTheFileHas) {
  const fs::path path = merged();
  std::string e = open_error(path, choose("rx3", "Ez"));
  EXPECT_NE(
      e.find("merged.out: object /rxs/rx3: receiver \"rx3\" not found; the file has rx1, rx2"),
      std::string::npos)
      << e;
  e = open_error(path, choose("rx1", "Ex"));
  EXPECT_NE(e.find("object /rxs/rx1/Ex: component \"Ex\" not found; receiver rx1 has Ez, Hy"),
            std::string::npos)
      << e;
  e = open_error(path, choose("rx1/Ez", "Ez"));
  EXPECT_NE(e.find("not found"), std::string::npos) << e;
  e = open_error(path, choose("rx1", ""));
  EXPECT_NE(e.find("not found"), std::string::npos) << e;
}

TEST_F(Gprmax, BadLayouts) {
  const auto file_with = [this](const std::string& name, auto&& fill) {
    const fs::path path = dir_ / name;
    H5Writer w(path);
    fill(w);
    return path;
  };
  std::string e = open_error(file_with("no_dt.out", [](H5Writer& w) {
    w.group("/rxs");
    w.group("/rxs/rx1");
    w.dataset("/rxs/rx1/Ez", {10}, H5T_IEEE_F32LE);
  }));
  EXPECT_NE(e.find("no_dt.out: object /: attribute \"dt\" not found"), std::string::npos) << e;

  e = open_error(file_with("bad_dt.out", [](H5Writer& w) { w.numbers("/", "dt", {-1.0}); }));
  EXPECT_NE(e.find("attribute \"dt\": found -1, expected one positive"), std::string::npos) << e;

  e = open_error(file_with("no_rxs.out", [](H5Writer& w) { w.numbers("/", "dt", {1e-12}); }));
  EXPECT_NE(e.find("object /rxs: not found"), std::string::npos) << e;

  e = open_error(file_with("rank3.out", [](H5Writer& w) {
    w.numbers("/", "dt", {1e-12});
    w.group("/rxs");
    w.group("/rxs/rx1");
    w.dataset("/rxs/rx1/Ez", {4, 3, 2}, H5T_IEEE_F32LE);
  }));
  EXPECT_NE(e.find("object /rxs/rx1/Ez: found rank 3"), std::string::npos) << e;

  e = open_error(file_with("iterations.out", [](H5Writer& w) {
    w.numbers("/", "dt", {1e-12});
    w.integer("Iterations", 11);
    w.group("/rxs");
    w.group("/rxs/rx1");
    w.dataset("/rxs/rx1/Ez", {10, 2}, H5T_IEEE_F32LE);
  }));
  EXPECT_NE(e.find("found 10 samples, expected the root attribute Iterations = 11"),
            std::string::npos)
      << e;
}

TEST_F(Gprmax, DamagedFilesGiveFormatErrorsQuietly) {
  const fs::path data(DEMINER_SHARED_DATA);
  if (!fs::exists(data)) GTEST_SKIP() << "shared data folder absent: " << data;
  const fs::path source = data / "recordings/gprMax/gprMax/user_models/cylinder_Ascan_2D.out";
  std::ifstream in(source, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const fs::path cut_path = dir_ / "cut.out";
  testing::internal::CaptureStderr();
  for (std::size_t cut = 0; cut < bytes.size(); cut += 211) {
    {
      std::ofstream out(cut_path, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(cut));
    }
    try {
      const auto reader = open_gprmax(cut_path);
      // HDF5 checks the stored end of file, so a cut file should not open; if it does, every
      // trace it yields is whole.
      const auto traces = read_all(*reader);
      for (const Trace& t : traces) EXPECT_EQ(t.samples.size(), 637u);
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("cut.out: object "), std::string::npos) << e.what();
    }
  }
  // Flipped bytes in the metadata (past the superblock) must not crash either.
  for (std::size_t at = 100; at < 4000; at += 97) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
    {
      std::ofstream out(cut_path, std::ios::binary | std::ios::trunc);
      out.write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
    }
    try {
      const auto reader = open_gprmax(cut_path);
      (void)read_all(*reader);
    } catch (const FormatError&) {
    }
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");  // HDF5's error printing is off

  {
    std::ofstream out(cut_path, std::ios::binary | std::ios::trunc);
    out << "not an HDF5 file";
  }
  const std::string e = open_error(cut_path);
  EXPECT_NE(e.find("cut.out: object /: not a readable HDF5 file: "), std::string::npos) << e;
  EXPECT_THROW((void)open_gprmax(dir_ / "missing.out"), deminer::IoError);
}

TEST_F(Gprmax, LooksLike) {
  const fs::path path = merged();
  std::ifstream in(path, std::ios::binary);
  std::vector<char> head(4096);
  in.read(head.data(), 4096);
  head.resize(static_cast<std::size_t>(in.gcount()));
  EXPECT_TRUE(looks_like_gprmax(std::as_bytes(std::span(head))));
  std::vector<char> other(4096, ' ');
  EXPECT_FALSE(looks_like_gprmax(std::as_bytes(std::span(other))));
  EXPECT_FALSE(looks_like_gprmax({}));
}

}  // namespace
