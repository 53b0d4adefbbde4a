#include "deminer/drivers/device/frame_stream_device.hpp"

#include <utility>

namespace deminer::drivers {

FrameStreamDevice::FrameStreamDevice(std::string uri, std::size_t max_payload_bytes,
                                     std::size_t receive_buffer_bytes)
    : uri_(std::move(uri)), decoder_(max_payload_bytes), receive_(receive_buffer_bytes) {}

link::DecoderCounters FrameStreamDevice::decoder_counts() const noexcept {
  link::DecoderCounters c = decoder_.counters();
  c.crc_errors += upstream_.crc_errors;
  c.unsupported_version += upstream_.unsupported_version;
  c.invalid_headers += upstream_.invalid_headers;
  c.oversize_frames += upstream_.oversize_frames;
  c.bytes_skipped += upstream_.bytes_skipped;
  c.bytes_truncated += upstream_.bytes_truncated;
  return c;
}

std::uint64_t FrameStreamDevice::problem_count() const noexcept {
  const link::DecoderCounters c = decoder_counts();
  // bytes_skipped grows with every CRC or header error too; it alone catches plain garbage.
  return c.crc_errors + c.unsupported_version + c.invalid_headers + c.oversize_frames +
         c.bytes_skipped;
}

ReadResult FrameStreamDevice::make(ReadStatus status) noexcept {
  ReadResult result;
  result.status = status;
  result.received_ns = monotonic_ns();
  return result;
}

ReadResult FrameStreamDevice::read(std::chrono::nanoseconds timeout) noexcept {
  const std::int64_t deadline = monotonic_ns() + static_cast<std::int64_t>(timeout.count());
  const auto deliver = [this](const link::Frame& frame) noexcept {
    counters_.add_frame();
    ReadResult result = make(ReadStatus::frame);
    result.header = frame.header;
    result.payload = frame.payload;
    return result;
  };
  for (;;) {
    if (held_frame_) {
      const link::Frame frame = *held_frame_;
      held_frame_.reset();
      return deliver(frame);
    }
    for (;;) {
      if (const auto frame = decoder_.next()) {
        counters_.publish(decoder_counts());
        // The damaged stretch came before this frame in the stream, so it is reported first;
        // the frame's view stays valid because the decoder is not touched until it is returned.
        if (problem_count() != problems_reported_) {
          problems_reported_ = problem_count();
          held_frame_ = *frame;
          return make(ReadStatus::corruption);
        }
        return deliver(*frame);
      }
      if (unfed_.empty()) break;
      unfed_ = unfed_.subspan(decoder_.feed(unfed_));
    }
    counters_.publish(decoder_counts());
    if (problem_count() != problems_reported_) {
      problems_reported_ = problem_count();
      return make(ReadStatus::corruption);
    }
    if (pending_status_) {
      const ReadStatus status = *pending_status_;
      pending_status_.reset();
      if (status == ReadStatus::disconnected) counters_.add_disconnect();
      if (status == ReadStatus::end_of_stream) ended_ = true;
      return make(status);
    }
    if (ended_) return make(ReadStatus::end_of_stream);

    const FillResult filled = fill(receive_, deadline);
    if (filled.reconnected) counters_.add_reconnect();
    if (filled.overflow_count > 0) counters_.add_overflows(filled.overflow_count);
    switch (filled.what) {
      case Fill::bytes:
        counters_.add_bytes(filled.count);
        unfed_ = std::span<const std::byte>(receive_).first(filled.count);
        if (filled.overflow_count > 0) return make(ReadStatus::overflow);
        break;
      case Fill::timeout:
        counters_.add_timeout();
        return make(ReadStatus::timeout);
      case Fill::overflow:
        return make(ReadStatus::overflow);
      case Fill::disconnected:
        // What was buffered can no longer complete: recover the frames before the torn one.
        decoder_.finish();
        pending_status_ = ReadStatus::disconnected;
        break;
      case Fill::end_of_stream:
        decoder_.finish();
        pending_status_ = ReadStatus::end_of_stream;
        break;
    }
  }
}

}  // namespace deminer::drivers
