// JSON descriptions of the blocks both metal-detector chains use (see json_fields.hpp for how a
// description reads and writes a Config). Private to dsp/src/pipeline. In namespace md, where
// argument-dependent lookup finds it from the chains' descriptions.
#pragma once

#include "deminer/dsp/md/event_detector.hpp"

namespace deminer::dsp::md {

template <class V>
void describe(V& v, EventDetector::Config& c) {
  v("noise_window", c.noise_window);
  v("update_interval", c.update_interval);
  v("warmup_samples", c.warmup_samples);
  v("threshold_sigmas", c.threshold_sigmas);
  v("release_sigmas", c.release_sigmas);
  v("hold_samples", c.hold_samples);
  v("min_sigma", c.min_sigma);
  v("release_peak_fraction", c.release_peak_fraction);
}

}  // namespace deminer::dsp::md
