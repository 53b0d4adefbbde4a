// Reading the simulators' JSON (scenes, truth) with errors that name the source and the JSON
// Pointer of the offending value (RFC 6901), e.g. "scene.json: /targets/1/depth_m: expected a
// number". Every key a reader asks for is recorded; finish() rejects the others, so a misspelt
// key is an error instead of a silently kept default. Private to sim/src.
#pragma once

#include <concepts>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/error.hpp"

namespace deminer::sim::detail {

using nlohmann::json;

inline std::string escape(std::string_view key) {  // JSON Pointer (RFC 6901)
  std::string out;
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

[[noreturn]] inline void fail(std::string_view source, const std::string& path,
                              const std::string& what) {
  throw ConfigError(std::string(source) + ": " + (path.empty() ? "/" : path) + ": " + what);
}

// Reads the keys of one JSON object and, in finish(), rejects every key nobody asked for.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, std::string_view source)
      : object_(object), path_(std::move(path)), source_(source) {
    if (!object.is_object()) fail(source_, path_, "expected an object");
  }

  const json* find(const char* key, bool required = false) {
    known_.insert(key);
    const auto it = object_.find(key);
    if (it != object_.end()) return &*it;
    if (required) fail(source_, path_ + "/" + key, "missing");
    return nullptr;
  }

  [[nodiscard]] std::string path(const char* key) const { return path_ + "/" + key; }
  [[nodiscard]] std::string_view source() const { return source_; }

  void read(const char* key, double& value, bool required = false) {
    if (const json* j = find(key, required)) {
      if (!j->is_number()) fail(source_, path(key), "expected a number");
      value = j->get<double>();
    }
  }

  template <std::unsigned_integral T>
  void read(const char* key, T& value, bool required = false) {
    if (const json* j = find(key, required)) {
      if (!j->is_number_unsigned()) fail(source_, path(key), "expected an unsigned integer");
      value = j->get<T>();
    }
  }

  void read(const char* key, std::vector<double>& values) {
    if (const json* j = find(key)) {
      if (!j->is_array()) fail(source_, path(key), "expected an array of numbers");
      values.clear();
      for (std::size_t i = 0; i < j->size(); ++i) {
        if (!(*j)[i].is_number()) {
          fail(source_, path(key) + "/" + std::to_string(i), "expected a number");
        }
        values.push_back((*j)[i].get<double>());
      }
    }
  }

  // A string key whose value must be one of `names`; returns its index (or `fallback`).
  std::size_t choice(const char* key, std::initializer_list<const char*> names,
                     std::size_t fallback) {
    const json* j = find(key);
    if (!j) return fallback;
    std::string expected;
    for (const char* name : names) expected += (expected.empty() ? "" : ", ") + std::string(name);
    if (!j->is_string()) fail(source_, path(key), "expected a string (one of: " + expected + ")");
    const auto value = j->get<std::string>();
    std::size_t index = 0;
    for (const char* name : names) {
      if (value == name) return index;
      ++index;
    }
    fail(source_, path(key), "\"" + value + "\" is not one of: " + expected);
  }

  template <typename F>
  void object(const char* key, F&& body) {
    if (const json* j = find(key)) {
      ObjectReader inner(*j, path(key), source_);
      body(inner);
      inner.finish();
    }
  }

  // Each element of an array of objects, as a reader of its own (finished after `element`).
  template <typename F>
  void for_each(const char* key, F&& element, bool required = false) {
    if (const json* j = find(key, required)) {
      if (!j->is_array()) fail(source_, path(key), "expected an array");
      for (std::size_t i = 0; i < j->size(); ++i) {
        ObjectReader inner((*j)[i], path(key) + "/" + std::to_string(i), source_);
        element(inner, i);
        inner.finish();
      }
    }
  }

  void finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (known_.contains(key)) continue;
      std::string expected;
      for (const std::string& k : known_) expected += (expected.empty() ? "" : ", ") + k;
      fail(source_, path_ + "/" + escape(key), "unknown key (expected one of: " + expected + ")");
    }
  }

 private:
  const json& object_;
  std::string path_;
  std::string_view source_;
  std::set<std::string> known_;
};

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

}  // namespace deminer::sim::detail
