// The soil velocity of a migration configuration, given either as a velocity or as a relative
// permittivity (private to dsp/src/gpr: Kirchhoff and Stolt share it).
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp::detail {

// Exactly one of the two must be non-zero; throws std::invalid_argument naming `block`, the
// field, its value and what is valid.
inline double checked_migration_velocity(const char* block, double velocity_m_per_s,
                                         double relative_permittivity) {
  auto reject = [&](const std::string& what) {
    std::ostringstream message;
    message << block << ": " << what;
    throw std::invalid_argument(message.str());
  };
  const bool has_velocity = velocity_m_per_s != 0.0;
  if (has_velocity == (relative_permittivity != 0.0)) {
    std::ostringstream what;
    what << "velocity_m_per_s " << velocity_m_per_s << " and relative_permittivity "
         << relative_permittivity << " are invalid (need exactly one of them non-zero)";
    reject(what.str());
  }
  if (has_velocity) {
    if (!(velocity_m_per_s > 0.0 && velocity_m_per_s <= speed_of_light_m_per_s)) {
      std::ostringstream what;
      what << "velocity_m_per_s " << velocity_m_per_s << " is invalid (need 0 < v <= 299792458)";
      reject(what.str());
    }
    return velocity_m_per_s;
  }
  if (!(relative_permittivity >= 1.0 && std::isfinite(relative_permittivity))) {
    std::ostringstream what;
    what << "relative_permittivity " << relative_permittivity << " is invalid (need >= 1)";
    reject(what.str());
  }
  return soil_velocity_m_per_s(relative_permittivity);
}

}  // namespace deminer::dsp::detail
