// Reading and writing a block's Config as JSON from one description of its fields.
//
// A block's fields are described once, as a function template over a visitor:
//   template <class V> void describe(V& v, Foo::Config& c) { v("gain_db", c.gain_db); ... }
// FieldReader fills a Config from a JSON object (unknown keys, wrong types and unknown
// enumeration values are ConfigErrors naming the source and the JSON path); FieldWriter writes
// the same fields back, so a printed configuration reads back to the same Config.
// Private to dsp/src/pipeline: configuration code, allocates, throws.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "deminer/dsp/core/error.hpp"

namespace deminer::dsp::json_fields {

using nlohmann::json;

template <class E>
using Choices = std::initializer_list<std::pair<std::string_view, E>>;

// The document in `text`, or a ConfigError naming `source` and the byte where parsing failed.
inline json parse(std::string_view text, std::string_view source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw ConfigError(std::string(source) + ": not valid JSON at byte " + std::to_string(e.byte) +
                      ": " + e.what());
  } catch (const json::out_of_range& e) {  // a number that overflows a double, e.g. 1e999
    throw ConfigError(std::string(source) + ": a number is not a finite double: " + e.what());
  }
}

inline std::string join_keys(const std::vector<std::string>& keys) {
  std::string text;
  for (const auto& k : keys) text += (text.empty() ? "" : ", ") + k;
  return text;
}

// Reads the fields of one JSON object into a Config, remembering which keys it knows.
class FieldReader {
 public:
  FieldReader(const json& object, std::string path, std::string_view source)
      : object_(object), path_(std::move(path)), source_(source) {
    if (!object_.is_object()) fail(path_, "expected an object, found " + object_.dump());
  }

  template <class T>
  void operator()(std::string_view key, T& value) {
    const json* item = take(key);
    if (item == nullptr) return;
    const std::string where = child(key);
    if constexpr (std::is_same_v<T, bool>) {
      if (!item->is_boolean()) fail(where, "expected true or false, found " + item->dump());
      value = item->get<bool>();
    } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
      if (!item->is_number_unsigned())
        fail(where, "expected a non-negative integer, found " + item->dump());
      value = item->get<T>();
    } else if constexpr (std::is_integral_v<T>) {
      if (!item->is_number_integer()) fail(where, "expected an integer, found " + item->dump());
      value = item->get<T>();
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!item->is_number()) fail(where, "expected a number, found " + item->dump());
      value = item->get<T>();
    } else {  // std::array<double, N>
      if (!item->is_array() || item->size() != value.size())
        fail(where, "expected an array of " + std::to_string(value.size()) + " numbers, found " +
                        item->dump());
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!(*item)[i].is_number())
          fail(where + "[" + std::to_string(i) + "]",
               "expected a number, found " + (*item)[i].dump());
        value[i] = (*item)[i].get<double>();
      }
    }
  }

  template <class E>
  void choice(std::string_view key, E& value, Choices<E> choices) {
    const json* item = take(key);
    if (item == nullptr) return;
    std::vector<std::string> names;
    for (const auto& [name, e] : choices) {
      if (item->is_string() && item->get<std::string>() == name) {
        value = e;
        return;
      }
      names.emplace_back("\"" + std::string(name) + "\"");
    }
    fail(child(key), "expected one of " + join_keys(names) + ", found " + item->dump());
  }

  template <class Describe>
  void object(std::string_view key, Describe&& describe) {
    const json* item = take(key);
    if (item == nullptr) return;
    FieldReader nested(*item, child(key), source_);
    describe(nested);
    nested.finish();
  }

  // Marks a key as handled elsewhere (e.g. "type").
  void known(std::string_view key) { known_.emplace_back(key); }

  // Unknown keys are errors: a misspelt key would otherwise silently keep the default.
  void finish() const {
    const std::set<std::string> valid(known_.begin(), known_.end());
    for (const auto& [key, value] : object_.items()) {
      if (valid.count(key) == 0) {
        fail(child(key), "unknown key; valid keys here: " + join_keys(known_));
      }
    }
  }

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ConfigError(std::string(source_) + ": " + where + ": " + what);
  }

 private:
  const json* take(std::string_view key) {
    known_.emplace_back(key);
    const auto it = object_.find(std::string(key));
    return it == object_.end() ? nullptr : &*it;
  }
  std::string child(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const json& object_;
  std::string path_;
  std::string_view source_;
  std::vector<std::string> known_;
};

// Writes a Config's fields into a JSON object: the same descriptions serve both directions.
class FieldWriter {
 public:
  explicit FieldWriter(json& object) : object_(object) { object_ = json::object(); }

  template <class T>
  void operator()(std::string_view key, T& value) {
    object_[std::string(key)] = value;
  }
  template <class E>
  void choice(std::string_view key, E& value, Choices<E> choices) {
    for (const auto& [name, e] : choices) {
      if (e == value) object_[std::string(key)] = name;
    }
  }
  template <class Describe>
  void object(std::string_view key, Describe&& describe) {
    FieldWriter nested(object_[std::string(key)]);
    describe(nested);
  }

 private:
  json& object_;
};

}  // namespace deminer::dsp::json_fields
