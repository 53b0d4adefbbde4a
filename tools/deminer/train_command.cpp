// deminer train: fit the dual-sensor model (classifier on the fused features, per-sensor score
// calibrations) on labelled training lanes and write it as JSON for `deminer tune`.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "deminer/dsp/detect/classifier.hpp"
#include "deminer/sim/lane/lane_evaluation.hpp"
#include "lane_files.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

struct TrainOptions {
  LaneSelection lanes;
  std::string model_path;
  std::string kind = "logistic";
  double lambda = 1e-3;
};

int run(const TrainOptions& options) {
  const auto lanes = read_lanes(options.lanes);
  // One head over every lane, as tune and the field run it.
  const auto arena = label_lanes_verbose(
      lanes, options.lanes.radius_m, sim::lane::default_chains(lanes.front()), "the first lane's");
  dsp::ClassifierTrainingOptions training;
  training.kind = options.kind == "lda" ? dsp::ClassifierKind::linear_discriminant
                                        : dsp::ClassifierKind::logistic_regression;
  training.l2_lambda = options.lambda;
  training.shrinkage = training.kind == dsp::ClassifierKind::linear_discriminant ? 0.1 : 0.0;
  const auto model = sim::lane::train_dual_sensor_model(arena, training);
  // How well it separates its own training objects (the held-out figures come from tune).
  std::size_t correct = 0;
  for (std::size_t i = 0; i < arena.objects.size(); ++i) {
    std::array<float, dsp::Detection::max_features> features{};
    (void)dsp::fused_features(arena.objects[i], features);
    const auto prediction =
        model.classifier.predict(std::span(features).first(dsp::fused_feature_count));
    correct += model.classifier.object_class(prediction.class_index) == arena.labels[i] ? 1 : 0;
  }
  write_text_file(options.model_path, sim::lane::model_to_json(model));
  std::printf(
      "trained on %zu objects: %zu classified as labelled (%.1f %%); mine prior %.4f\n"
      "model written to %s; evaluate it on lanes of other seeds with `deminer tune`\n",
      arena.objects.size(), correct,
      100.0 * static_cast<double>(correct) / static_cast<double>(arena.objects.size()),
      model.mine_prior, options.model_path.c_str());
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& app) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train",
      "Fit the dual-sensor classifier on labelled training lanes.\n"
      "Each lane is simulated (GPR sweeps and metal-detector recording), run through both "
      "chains and fused into one object per item; objects are labelled from the lane's truth "
      "(mine, metal clutter, other) and the classifier is fitted on their fused features, with a "
      "score calibration per sensor. Evaluate on lanes of other seeds with `deminer tune`.");
  add_lane_options(*sub, options->lanes);
  sub->add_option("-o,--out", options->model_path, "Model file to write (JSON)")->required();
  sub->add_option("--classifier", options->kind,
                  "logistic (multinomial logistic regression) or lda (linear discriminant)")
      ->check(CLI::IsMember({"logistic", "lda"}))
      ->capture_default_str();
  sub->add_option("--lambda", options->lambda, "L2 penalty of the logistic regression")
      ->check(CLI::Range(1e-9, 1e6))
      ->capture_default_str();
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
