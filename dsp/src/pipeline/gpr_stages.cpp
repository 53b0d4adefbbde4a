#include "gpr_stages.hpp"

#include <algorithm>
#include <vector>

#include "overloaded.hpp"

namespace deminer::dsp::detail {

namespace {

// Blocks that map a trace to a trace: process(in, out), in place allowed.
template <class Block>
class FilterStage final : public TraceStage {
 public:
  FilterStage(const typename Block::Config& config, std::size_t samples)
      : block_(config, samples) {}
  bool process(TraceSlot& slot) noexcept override {
    block_.process(slot.samples, slot.samples);
    return true;
  }
  void reset() noexcept override { block_.reset(); }
  Block& block() noexcept { return block_; }

 private:
  Block block_;
};

// Blocks that need the sample times: process(header, in, out), in place allowed.
template <class Block>
class TimedFilterStage final : public TraceStage {
 public:
  explicit TimedFilterStage(const typename Block::Config& config) : block_(config) {}
  bool process(TraceSlot& slot) noexcept override {
    block_.process(slot.header, slot.samples, slot.samples);
    return true;
  }
  void reset() noexcept override { block_.reset(); }

 private:
  Block block_;
};

class FixedTimeZeroStage final : public TraceStage {
 public:
  explicit FixedTimeZeroStage(const FixedTimeZero::Config& config) : config_(config) {}
  bool process(TraceSlot& slot) noexcept override {
    slot.header.time_zero_s = config_.time_zero_s;
    return true;
  }
  void reset() noexcept override {}

 private:
  FixedTimeZero::Config config_;
};

class TimeZeroStage final : public TraceStage {
 public:
  TimeZeroStage(const TimeZeroAligner::Config& config, std::size_t samples)
      : aligner_(config, samples) {}
  bool process(TraceSlot& slot) noexcept override {
    aligner_.process(slot.header, slot.samples, slot.samples);
    return true;
  }
  void reset() noexcept override { aligner_.reset(); }

 private:
  TimeZeroAligner aligner_;
};

class StackerStage final : public TraceStage {
 public:
  StackerStage(const TraceStacker::Config& config, std::size_t samples)
      : stacker_(config, samples), output_(samples) {}
  bool process(TraceSlot& slot) noexcept override {
    TraceHeader header;
    if (!stacker_.push({slot.header, slot.samples}, header, output_)) return false;
    slot.header = header;
    std::copy(output_.begin(), output_.end(), slot.samples.begin());
    return true;
  }
  void reset() noexcept override { stacker_.reset(); }

 private:
  TraceStacker stacker_;
  std::vector<float> output_;
};

class DistanceStage final : public TraceStage {
 public:
  DistanceStage(const DistanceNormaliser::Config& config, std::size_t samples)
      : normaliser_(config, samples) {}
  bool process(TraceSlot& slot) noexcept override {
    normaliser_.push({slot.header, slot.samples});
    return normaliser_.pop(slot.header, slot.samples);
  }
  bool next(TraceSlot& slot, bool /*end_of_data*/) noexcept override {
    return normaliser_.pop(slot.header, slot.samples);
  }
  void reset() noexcept override { normaliser_.reset(); }

 private:
  DistanceNormaliser normaliser_;
};

class MigrationStage final : public TraceStage {
 public:
  MigrationStage(KirchhoffMigration::Config config, std::size_t samples)
      : migration_((config.samples_per_trace = samples, config)), output_(samples) {}
  bool process(TraceSlot& slot) noexcept override {
    TraceHeader header;
    if (!migration_.push({slot.header, slot.samples}, header, output_)) return false;
    slot.header = header;
    std::copy(output_.begin(), output_.end(), slot.samples.begin());
    return true;
  }
  bool next(TraceSlot& slot, bool end_of_data) noexcept override {
    if (!end_of_data || !migration_.flush(slot.header, output_)) return false;
    std::copy(output_.begin(), output_.end(), slot.samples.begin());
    return true;
  }
  void reset() noexcept override { migration_.reset(); }

 private:
  KirchhoffMigration migration_;
  std::vector<float> output_;
};

}  // namespace

std::unique_ptr<TraceStage> make_gpr_stage(const GprStageConfig& config, std::size_t samples) {
  return std::visit(Overloaded{
                        [&](const Dewow::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<FilterStage<Dewow>>(c, samples);
                        },
                        [&](const FixedTimeZero::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<FixedTimeZeroStage>(c);
                        },
                        [&](const TimeZeroAligner::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<TimeZeroStage>(c, samples);
                        },
                        [&](const BackgroundRemoval::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<FilterStage<BackgroundRemoval>>(c, samples);
                        },
                        [&](const BandPass::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<FilterStage<BandPass>>(c, samples);
                        },
                        [&](const ButterworthFilter::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<FilterStage<ButterworthFilter>>(c, samples);
                        },
                        [&](const TPowerGain::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<TimedFilterStage<TPowerGain>>(c);
                        },
                        [&](const ExponentialGain::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<TimedFilterStage<ExponentialGain>>(c);
                        },
                        [&](const AgcGain::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<FilterStage<AgcGain>>(c, samples);
                        },
                        [&](const TraceStacker::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<StackerStage>(c, samples);
                        },
                        [&](const DistanceNormaliser::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<DistanceStage>(c, samples);
                        },
                        [&](const KirchhoffMigration::Config& c) -> std::unique_ptr<TraceStage> {
                          return std::make_unique<MigrationStage>(c, samples);
                        },
                    },
                    config);
}

BackgroundRemoval* background_of(TraceStage& stage) noexcept {
  auto* filter = dynamic_cast<FilterStage<BackgroundRemoval>*>(&stage);
  return filter != nullptr ? &filter->block() : nullptr;
}

}  // namespace deminer::dsp::detail
