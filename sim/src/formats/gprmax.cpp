// gprMax .out reader (see gprmax.hpp), on the HDF5 C API. Every HDF5 call runs with the
// library's automatic error printing switched off; a failure becomes a FormatError (while
// opening) or a warning (while reading traces) carrying HDF5's own innermost message.
#include "deminer/sim/formats/gprmax.hpp"

#include <hdf5.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deminer/dsp/core/error.hpp"

namespace deminer::sim::formats {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kBlockFloats = std::uint64_t{1} << 20;  // 4 MiB of samples per read

// Restores the caller's HDF5 error printing on scope exit.
class QuietHdf5 {
 public:
  QuietHdf5() noexcept {
    H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

// The most specific message on HDF5's error stack (then cleared).
std::string hdf5_message() {
  std::string message;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* error, void* out) -> herr_t {
        auto& text = *static_cast<std::string*>(out);
        if (text.empty() && error->desc != nullptr) text = error->desc;
        return 0;
      },
      &message);
  H5Eclear2(H5E_DEFAULT);
  return message.empty() ? "unknown HDF5 error" : message;
}

// An HDF5 identifier closed by its own close function.
class Hid {
 public:
  Hid() = default;
  Hid(hid_t id, herr_t (*close)(hid_t)) noexcept : id_(id), close_(close) {}
  Hid(Hid&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  Hid& operator=(Hid&& other) noexcept {
    std::swap(id_, other.id_);
    std::swap(close_, other.close_);
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() {
    if (id_ >= 0) close_(id_);
  }
  [[nodiscard]] hid_t get() const noexcept { return id_; }
  [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

std::string join(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string format_numbers(const std::vector<double>& values) {
  std::ostringstream out;
  out.precision(10);
  for (std::size_t i = 0; i < values.size(); ++i) out << (i == 0 ? "" : ", ") << values[i];
  return out.str();
}

// One of HDF5's predefined IEEE float or integer types, either byte order. Anything else is a
// damaged type description: libhdf5 1.10 converts those out of bounds (found by fuzz_gprmax).
bool standard_number(hid_t type) {
  for (const hid_t standard :
       {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE, H5T_STD_I8LE,
        H5T_STD_I8BE,   H5T_STD_I16LE,  H5T_STD_I16BE,  H5T_STD_I32LE,  H5T_STD_I32BE,
        H5T_STD_I64LE,  H5T_STD_I64BE,  H5T_STD_U8LE,   H5T_STD_U8BE,   H5T_STD_U16LE,
        H5T_STD_U16BE,  H5T_STD_U32LE,  H5T_STD_U32BE,  H5T_STD_U64LE,  H5T_STD_U64BE}) {
    if (H5Tequal(type, standard) > 0) return true;
  }
  return false;
}

bool exists(hid_t location, const std::string& path) {
  // H5Lexists fails (negative) when an intermediate group is missing: also "no".
  return !path.empty() && H5Lexists(location, path.c_str(), H5P_DEFAULT) > 0;
}

class GprmaxReader final : public TraceFileReader {
 public:
  GprmaxReader(const fs::path& path, const OpenOptions& options) : path_(path) {
    const QuietHdf5 quiet;
    std::error_code ec;
    const std::uintmax_t file_size = fs::file_size(path, ec);
    if (ec) throw IoError(path.string() + ": cannot read the size: " + ec.message());
    file_ = Hid(H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_.valid()) fail("/", "not a readable HDF5 file: " + hdf5_message());

    info_.format = FileFormat::gprmax;
    info_.path = path;
    read_root_attributes();
    open_component(options);
    if (info_.samples_per_trace * element_size_ > 1024 * static_cast<std::uint64_t>(file_size)) {
      fail(dataset_path_, std::to_string(info_.samples_per_trace) +
                              " samples per trace cannot be stored in a file of " +
                              std::to_string(file_size) + " bytes");
    }
    read_positions();
    info_.conventions.push_back("receiver " + receiver_ + ", component " + component_ +
                                " (choose with OpenOptions gprmax_receiver/gprmax_component)");
    if (!unread_text_.empty()) {
      info_.conventions.push_back("not shown: " + join(unread_text_) +
                                  " (variable-length strings: libhdf5 1.10 cannot read a damaged "
                                  "global heap safely)");
    }
    info_.conventions.push_back(
        "time zero is the start of the simulation (the source waveform's own delay is in the "
        ".in file, not the output)");
  }

  [[nodiscard]] const FileInfo& info() const noexcept override { return info_; }
  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept override {
    return warnings_;
  }

  bool next_trace(dsp::Trace& trace) override {
    if (next_ >= traces_) {
      trace.samples.clear();
      return false;
    }
    if (next_ >= block_start_ + block_columns_ && !read_block()) {
      warnings_.push_back(path_.string() + ": object " + dataset_path_ + ": reading trace " +
                          std::to_string(next_) + " failed (HDF5: " + hdf5_message() + "); " +
                          std::to_string(next_) + " complete traces read");
      traces_ = next_;
      trace.samples.clear();
      return false;
    }
    const std::size_t n = info_.samples_per_trace;
    const std::size_t column = next_ - block_start_;
    trace.samples.resize(n);
    for (std::size_t i = 0; i < n; ++i) trace.samples[i] = block_[i * block_columns_ + column];
    trace.header = {};
    trace.header.dt_s = info_.dt_s;
    trace.header.sequence = next_;
    trace.header.position_m =
        first_position_m_ + static_cast<double>(next_) * info_.trace_spacing_m;
    ++next_;
    return true;
  }

 private:
  // Reads the hyperslab of the columns from next_ on that fit in kBlockFloats. A column of a
  // (samples, traces) dataset is strided across the whole dataset, so reading one column per
  // trace would make HDF5 pass over the file once per trace; a block of columns per pass keeps
  // memory bounded and the reading near sequential speed.
  bool read_block() {
    const QuietHdf5 quiet;
    const hsize_t n = info_.samples_per_trace;
    const hsize_t columns =
        std::clamp<hsize_t>(kBlockFloats / n, 1, static_cast<hsize_t>(traces_ - next_));
    block_.resize(n * columns);
    block_start_ = next_;
    block_columns_ = columns;
    const std::array<hsize_t, 2> count{n, columns};
    const Hid memory(H5Screate_simple(rank_, count.data(), nullptr), H5Sclose);
    const Hid selection(H5Dget_space(dataset_.get()), H5Sclose);
    bool ok = memory.valid() && selection.valid();
    if (ok && rank_ == 2) {
      const std::array<hsize_t, 2> start{0, next_};
      ok = H5Sselect_hyperslab(selection.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                               nullptr) >= 0;
    }
    return ok && H5Dread(dataset_.get(), H5T_NATIVE_FLOAT, memory.get(), selection.get(),
                         H5P_DEFAULT, block_.data()) >= 0;
  }

  [[noreturn]] void fail(const std::string& object, const std::string& what) const {
    throw FormatError(path_.string() + ": object " + object + ": " + what);
  }

  void field(std::string name, std::string value) {
    info_.fields.emplace_back(std::move(name), std::move(value));
  }

  // A numeric attribute of up to 16 values, converted to double; nullopt when absent.
  std::optional<std::vector<double>> numbers(hid_t object, const std::string& object_path,
                                             const char* name) {
    if (H5Aexists(object, name) <= 0) return std::nullopt;
    const std::string where = object_path + ", attribute \"" + name + "\"";
    const Hid attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
    const Hid type(attribute.valid() ? H5Aget_type(attribute.get()) : H5I_INVALID_HID, H5Tclose);
    const Hid space(attribute.valid() ? H5Aget_space(attribute.get()) : H5I_INVALID_HID, H5Sclose);
    if (!type.valid() || !space.valid()) fail(where, "unreadable: " + hdf5_message());
    const H5T_class_t type_class = H5Tget_class(type.get());
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (!standard_number(type.get()) || count < 1 || count > 16) {
      fail(where, "found " + std::to_string(count) + " values of HDF5 type class " +
                      std::to_string(static_cast<int>(type_class)) +
                      ", expected 1 to 16 numbers of a standard integer or IEEE float type");
    }
    std::vector<double> values(static_cast<std::size_t>(count));
    if (H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, values.data()) < 0) {
      fail(where, "unreadable: " + hdf5_message());
    }
    return values;
  }

  // A scalar fixed-length string attribute; nullopt when absent or not one. Variable-length
  // strings (h5py's default, so gprMax's Title, version and receiver Name) are not read: they
  // live in HDF5's global heap, and libhdf5 1.10's H5HG_read overruns its buffer on a damaged
  // heap (found by fuzz_gprmax), so a damaged file could crash the reader.
  std::optional<std::string> text(hid_t object, const char* name) {
    if (H5Aexists(object, name) <= 0) return std::nullopt;
    const Hid attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
    const Hid type(attribute.valid() ? H5Aget_type(attribute.get()) : H5I_INVALID_HID, H5Tclose);
    const Hid space(attribute.valid() ? H5Aget_space(attribute.get()) : H5I_INVALID_HID, H5Sclose);
    if (!type.valid() || !space.valid() || H5Tget_class(type.get()) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space.get()) != 1) {
      H5Eclear2(H5E_DEFAULT);
      return std::nullopt;
    }
    if (H5Tis_variable_str(type.get()) != 0) {
      unread_text_.emplace_back(name);
      return std::nullopt;
    }
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0 || size > 65536) return std::nullopt;
    // HDF5 does not convert between character sets: read in the file's (ASCII or UTF-8).
    const Hid memory(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memory.get(), size);
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    std::string result(size, '\0');
    if (H5Aread(attribute.get(), memory.get(), result.data()) < 0) {
      H5Eclear2(H5E_DEFAULT);
      return std::nullopt;
    }
    result.resize(std::strlen(result.c_str()));
    return result;
  }

  void read_root_attributes() {
    const hid_t root = file_.get();
    if (const auto title = text(root, "Title")) field("Title", *title);
    const auto version = text(root, "gprMax");
    info_.instrument = version ? "gprMax " + *version : "gprMax";
    if (version) field("gprMax", *version);

    const auto dt = numbers(root, "/", "dt");
    if (!dt) fail("/", "attribute \"dt\" not found, expected the sample interval in seconds");
    if (dt->size() != 1 || !std::isfinite((*dt)[0]) || (*dt)[0] <= 0.0) {
      fail("/", "attribute \"dt\": found " + format_numbers(*dt) +
                    ", expected one positive sample interval in seconds");
    }
    info_.dt_s = (*dt)[0];
    field("dt", format_numbers(*dt) + " s");
    iterations_ = numbers(root, "/", "Iterations");
    if (iterations_) field("Iterations", format_numbers(*iterations_));

    for (const char* name : {"nrx", "ntx", "nsrc"}) {
      if (const auto value = numbers(root, "/", name)) field(name, format_numbers(*value));
    }
    // gprMax 3.1 renamed "dx, dy, dz" to dx_dy_dz (and the other triples likewise).
    for (const auto& [old_name, new_name] :
         {std::pair{"dx, dy, dz", "dx_dy_dz"}, std::pair{"nx, ny, nz", "nx_ny_nz"}}) {
      if (auto value = numbers(root, "/", new_name)) {
        field(new_name, format_numbers(*value));
        if (std::string_view(new_name) == "dx_dy_dz") cell_m_ = std::move(value);
      } else if (auto old_value = numbers(root, "/", old_name)) {
        field(old_name, format_numbers(*old_value));
        if (std::string_view(new_name) == "dx_dy_dz") cell_m_ = std::move(old_value);
      }
    }
    rx_steps_ = numbers(root, "/", "rxsteps");
    if (rx_steps_) field("rxsteps", format_numbers(*rx_steps_));
    for (const char* name : {"srcsteps", "txsteps"}) {
      if (const auto value = numbers(root, "/", name)) field(name, format_numbers(*value));
    }
    layout_2015_ = exists(root, "txs");
  }

  // Names of the links in a group. Objects are not opened to tell datasets from groups: opening
  // a damaged object header leaves HDF5 1.10 unable to shut down cleanly.
  std::vector<std::string> children(const std::string& group_path) {
    std::vector<std::string> names;
    const Hid group(H5Gopen2(file_.get(), group_path.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid()) return {};
    H5Literate(
        group.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
          auto& list = *static_cast<std::vector<std::string>*>(data);
          list.emplace_back(name);
          return list.size() < 64 ? 0 : 1;  // enough for any message
        },
        &names);
    H5Eclear2(H5E_DEFAULT);
    return names;
  }

  void open_component(const OpenOptions& options) {
    receiver_ = options.gprmax_receiver;
    component_ = options.gprmax_component;
    if (!exists(file_.get(), "rxs")) {
      fail("/rxs", "not found, expected the receivers group of a gprMax output file");
    }
    const std::string receiver_path = "/rxs/" + receiver_;
    if (receiver_.find('/') != std::string::npos || !exists(file_.get(), receiver_path)) {
      fail(receiver_path,
           "receiver \"" + receiver_ + "\" not found; the file has " + join(children("/rxs")));
    }
    receiver_path_ = receiver_path;
    dataset_path_ = receiver_path + "/" + component_;
    std::vector<std::string> components = children(receiver_path);
    std::erase(components, "Position");
    if (component_.empty() || component_.find('/') != std::string::npos ||
        component_ == "Position" || !exists(file_.get(), dataset_path_)) {
      fail(dataset_path_, "component \"" + component_ + "\" not found; receiver " + receiver_ +
                              " has " + join(components));
    }
    field("receiver", receiver_);
    field("components", join(components));
    field("component", component_);

    dataset_ = Hid(H5Dopen2(file_.get(), dataset_path_.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset_.valid()) fail(dataset_path_, "not a readable dataset: " + hdf5_message());
    const Hid type(H5Dget_type(dataset_.get()), H5Tclose);
    const Hid space(H5Dget_space(dataset_.get()), H5Sclose);
    if (!type.valid() || !space.valid()) fail(dataset_path_, "unreadable: " + hdf5_message());
    const H5T_class_t type_class = H5Tget_class(type.get());
    element_size_ = H5Tget_size(type.get());
    if (!standard_number(type.get())) {
      fail(dataset_path_, "found HDF5 type class " + std::to_string(static_cast<int>(type_class)) +
                              " of " + std::to_string(element_size_) +
                              " bytes, expected samples of a standard integer or IEEE float type");
    }
    info_.sample_format =
        std::string(type_class == H5T_FLOAT ? "float" : "int") + std::to_string(8 * element_size_);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::array<hsize_t, 2> dims{};
    if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
      fail(dataset_path_,
           "found rank " + std::to_string(rank) + ", expected (samples) or (samples, traces)");
    }
    rank_ = rank;
    info_.samples_per_trace = dims[0];
    traces_ = rank == 2 ? dims[1] : 1;
    info_.traces_per_channel = traces_;
    if (info_.samples_per_trace == 0) fail(dataset_path_, "found 0 samples, expected > 0");
    if (iterations_ && (iterations_->size() != 1 ||
                        (*iterations_)[0] != static_cast<double>(info_.samples_per_trace))) {
      fail(dataset_path_, "found " + std::to_string(info_.samples_per_trace) +
                              " samples, expected the root attribute Iterations = " +
                              format_numbers(*iterations_));
    }
    field("layout", std::string(rank == 2 ? "merged B-scan" : "A-scan") +
                        (layout_2015_ ? " (2015: /txs, Position datasets)" : ""));
  }

  // Position vector of a receiver or transmitter: its Position attribute (gprMax 3) or dataset
  // (2015 layout); nullopt when neither holds three numbers.
  std::optional<std::vector<double>> position(const std::string& object_path) {
    if (!exists(file_.get(), object_path)) return std::nullopt;
    const Hid object(H5Oopen(file_.get(), object_path.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid()) return std::nullopt;
    auto values = numbers(object.get(), object_path, "Position");
    const std::string dataset_path = object_path + "/Position";
    if (!values && exists(file_.get(), dataset_path)) {
      const Hid dataset(H5Dopen2(file_.get(), dataset_path.c_str(), H5P_DEFAULT), H5Dclose);
      const Hid space(dataset.valid() ? H5Dget_space(dataset.get()) : H5I_INVALID_HID, H5Sclose);
      if (space.valid() && H5Sget_simple_extent_npoints(space.get()) == 3) {
        std::vector<double> xyz(3);
        if (H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, xyz.data()) >=
            0) {
          values = std::move(xyz);
        }
      }
      H5Eclear2(H5E_DEFAULT);
    }
    if (!values || values->size() != 3) return std::nullopt;
    return values;
  }

  void read_positions() {
    if (const Hid group(H5Oopen(file_.get(), receiver_path_.c_str(), H5P_DEFAULT), H5Oclose);
        group.valid()) {
      if (const auto name = text(group.get(), "Name")) field("receiver name", *name);
    }
    const auto rx = position(receiver_path_);
    auto tx = position("/srcs/src1");
    if (!tx) tx = position("/txs/tx1");
    if (rx) field("receiver position", format_numbers(*rx) + " m");
    if (tx) field("source position", format_numbers(*tx) + " m");

    if (rank_ == 1) {
      if (rx) {
        info_.positions_known = true;
        first_position_m_ = tx ? 0.5 * ((*rx)[0] + (*tx)[0]) : (*rx)[0];
        info_.conventions.push_back(
            tx ? "position: x of the source-receiver midpoint"
               : "position: x of the receiver (no source position in the file)");
      }
      return;
    }
    // Merged B-scans (tools/outputfiles_merge.py) drop positions; the step between traces is
    // known only when the file kept rxsteps and the cell size.
    if (rx_steps_ && cell_m_ && rx_steps_->size() == 3 && cell_m_->size() == 3) {
      double squared = 0.0;
      for (std::size_t i = 0; i < 3; ++i) {
        squared += std::pow((*rx_steps_)[i] * (*cell_m_)[i], 2);
      }
      if (std::isfinite(squared)) info_.trace_spacing_m = std::sqrt(squared);
    }
    info_.conventions.push_back("positions unknown (a merged B-scan keeps none): trace index × " +
                                (info_.trace_spacing_m > 0.0
                                     ? std::string("rxsteps × cell size = ") +
                                           format_numbers({info_.trace_spacing_m}) + " m"
                                     : std::string("0 (the file has no rxsteps and cell size)")));
  }

  fs::path path_;
  Hid file_;
  Hid dataset_;
  FileInfo info_;
  std::vector<std::string> warnings_;
  std::vector<std::string> unread_text_;
  std::optional<std::vector<double>> iterations_;
  std::optional<std::vector<double>> cell_m_;
  std::optional<std::vector<double>> rx_steps_;
  bool layout_2015_ = false;
  std::string receiver_;
  std::string component_;
  std::string receiver_path_;
  std::string dataset_path_;
  std::size_t element_size_ = 0;
  int rank_ = 1;
  std::uint64_t traces_ = 0;
  std::uint64_t next_ = 0;
  double first_position_m_ = 0.0;
  std::vector<float> block_;  // samples × block_columns_, row-major as HDF5 gives them
  std::uint64_t block_start_ = 0;
  std::uint64_t block_columns_ = 0;
};

}  // namespace

bool looks_like_gprmax(std::span<const std::byte> first_bytes) noexcept {
  static constexpr std::array<unsigned char, 8> kSignature{0x89, 'H',  'D',  'F',
                                                           '\r', '\n', 0x1A, '\n'};
  for (const std::size_t at : {0u, 512u, 1024u, 2048u}) {
    if (first_bytes.size() < at + kSignature.size()) return false;
    const auto candidate = first_bytes.subspan(at, kSignature.size());
    if (std::equal(
            kSignature.begin(), kSignature.end(), candidate.begin(),
            [](unsigned char a, std::byte b) { return a == std::to_integer<unsigned char>(b); })) {
      return true;
    }
  }
  return false;
}

std::unique_ptr<TraceFileReader> open_gprmax(const std::filesystem::path& path,
                                             const OpenOptions& options) {
  return std::make_unique<GprmaxReader>(path, options);
}

}  // namespace deminer::sim::formats
