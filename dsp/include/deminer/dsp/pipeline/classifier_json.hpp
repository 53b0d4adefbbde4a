// Trained classifiers and score calibrations as JSON: what `deminer train` writes on the
// workstation and the pipeline (workstation or handheld) loads at start-up.
//
// Classifier layout (every key required except "feature_names"; the model is defined in
// detect/classifier.hpp):
//   {"kind": "logistic_regression" | "linear_discriminant",
//    "class_names": ["mine", "metal_clutter", "nonmetal_clutter"],        K = 2..4 names
//    "feature_names": ["spectral_centroid_hz", ...],                       D names (optional)
//    "feature_mean": [D numbers], "feature_scale": [D numbers > 0],
//    "weights": [K arrays of D numbers],                                   on standardised z
//    "bias": [K numbers]}
// Score calibration layout (all required): {"a": 1.7, "b": -0.4, "training_prior": 0.02}.
// Numbers are written in their shortest round-trip form, so a model reads back bit for bit.
// Errors: ConfigError naming the source and the JSON path ("classifier.json: weights[1][3]:
// expected a number, found null"): malformed JSON (with its byte offset), numbers too large for a
// double, unknown or missing keys, wrong types, wrong array lengths, and values the classifier
// rejects (with what is valid).
// Not for the streaming path: parsing allocates.
#pragma once

#include <string>
#include <string_view>

#include "deminer/dsp/detect/classifier.hpp"

namespace deminer::dsp {

[[nodiscard]] LinearClassifier classifier_from_json(std::string_view json_text,
                                                    std::string_view source = "classifier");
// Every field, indented: what classifier_from_json reads back to the same model.
[[nodiscard]] std::string classifier_to_json(const LinearClassifier& classifier);

[[nodiscard]] ScoreCalibration score_calibration_from_json(std::string_view json_text,
                                                           std::string_view source = "calibration");
[[nodiscard]] std::string score_calibration_to_json(const ScoreCalibration& calibration);

}  // namespace deminer::dsp
