// Device URIs: parsing, and errors that say what is valid.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/transport/udp.hpp"
#include "deminer/dsp/core/error.hpp"

namespace {

using deminer::DeviceError;
using deminer::drivers::open_device;
using deminer::drivers::parse_device_uri;

// The message of the DeviceError `f` throws, or "" when it throws nothing.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "";
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in:\n" << text;
}

TEST(DeviceUri, SplitsSchemeTargetAndOptions) {
  const auto uri = parse_device_uri("Serial:///dev/ttyUSB0?baud=115200&reconnect_ms=50");
  EXPECT_EQ(uri.scheme, "serial");
  EXPECT_EQ(uri.target, "/dev/ttyUSB0");
  ASSERT_EQ(uri.options.size(), 2u);
  EXPECT_EQ(uri.options[0].first, "baud");
  EXPECT_EQ(uri.options[0].second, "115200");
  EXPECT_EQ(uri.integer("baud", 0, 0, 10'000'000), 115200u);
  EXPECT_EQ(uri.integer("absent", 7, 0, 10), 7u);
  EXPECT_DOUBLE_EQ(uri.number("reconnect_ms", 0, 0, 100), 50.0);

  const auto udp = parse_device_uri("udp://0.0.0.0:5005");
  EXPECT_EQ(udp.scheme, "udp");
  EXPECT_EQ(udp.target, "0.0.0.0:5005");
  EXPECT_TRUE(udp.options.empty());
}

TEST(DeviceUri, RateOptionGivesThePace) {
  using deminer::drivers::Pace;
  const deminer::drivers::PaceOption fallback{Pace::realtime, 50.0};
  const auto pace_of = [&](const std::string& uri) { return parse_device_uri(uri).pace(fallback); };
  EXPECT_EQ(pace_of("file://a.dmr").mode, Pace::realtime);
  EXPECT_EQ(pace_of("file://a.dmr").rate_hz, 50.0);
  EXPECT_EQ(pace_of("file://a.dmr?rate=max").mode, Pace::max);
  EXPECT_EQ(pace_of("file://a.dmr?rate=max").rate_hz, 50.0);
  EXPECT_EQ(pace_of("replay://a.dt1?rate=realtime").mode, Pace::realtime);
  EXPECT_EQ(pace_of("sim://gpr?rate=2.5e3").mode, Pace::fixed_rate);
  EXPECT_EQ(pace_of("sim://gpr?rate=2.5e3").rate_hz, 2500.0);
  EXPECT_EQ(pace_of("sim://gpr?rate=0.001").rate_hz, 0.001);
  for (const char* bad : {"fast", "0", "1e8", "12abc", "", "-5", "nan"}) {
    const std::string uri = std::string("file://a.dmr?rate=") + bad;
    const std::string error = error_of([&] { (void)pace_of(uri); });
    expect_contains(error, uri + ": option rate=" + bad);
    expect_contains(error, "realtime, max, or a rate in frames per second in [0.001, 1e7]");
  }
}

TEST(DeviceUri, MalformedUrisListTheValidForms) {
  for (const char* text : {"/dev/ttyUSB0", "://x", "serial://", "se rial://x"}) {
    const std::string message = error_of([&] { (void)parse_device_uri(text); });
    expect_contains(message, "serial:///dev/ttyUSB0?baud=921600");
    expect_contains(message, "udp://0.0.0.0:5005");
    expect_contains(message, "replay://PATH");
    expect_contains(message, "sim://gpr");
  }
  expect_contains(error_of([] { (void)parse_device_uri("udp://h:1?flag"); }), "key=value");
  expect_contains(error_of([] { (void)parse_device_uri("udp://h:1?a=1&a=2"); }), "given twice");
}

TEST(DeviceUri, UnknownSchemeListsTheKnownOnes) {
  const std::string message = error_of([] { (void)open_device("tcp://10.0.0.1:80"); });
  expect_contains(message, "unknown scheme 'tcp'");
  expect_contains(message, "serial://");
  expect_contains(message, "udp://");
  expect_contains(error_of([] { (void)open_device("replay://x.dmr"); }), "deminer::sim");
}

TEST(DeviceUri, UnsupportedOptionsListTheSupportedOnes) {
  expect_contains(error_of([] { (void)open_device("serial:///dev/null?parity=even"); }),
                  "unknown option 'parity' for serial://; valid options: baud, reconnect_ms, "
                  "max_payload");
  expect_contains(error_of([] { (void)open_device("udp://127.0.0.1:0?baud=9600"); }),
                  "valid options: silence_ms, rcvbuf, max_payload");
  const std::string baud = error_of([] { (void)open_device("serial:///dev/null?baud=12345"); });
  expect_contains(baud, "baud=12345 is not supported");
  expect_contains(baud, "9600, 19200");
  expect_contains(baud, "4000000");
  expect_contains(error_of([] { (void)open_device("udp://127.0.0.1:0?silence_ms=0"); }),
                  "silence_ms=0 is not an integer in [1, 3600000]");
  expect_contains(error_of([] { (void)open_device("udp://127.0.0.1:0?silence_ms=abc"); }),
                  "not an integer");
}

TEST(DeviceUri, BadTargetsSayWhatIsExpected) {
  expect_contains(error_of([] { (void)open_device("serial://ttyUSB0"); }), "serial:///dev/NAME");
  for (const char* text : {"udp://5005", "udp://host:", "udp://host:70000", "udp://:5"}) {
    expect_contains(error_of([&] { (void)open_device(text); }), "udp://HOST:PORT");
  }
  expect_contains(error_of([] { (void)open_device("udp://no.such.host.invalid:5"); }),
                  "cannot resolve host 'no.such.host.invalid'");
}

TEST(DeviceUri, OpeningFailuresGiveTheSystemsReason) {
  expect_contains(error_of([] { (void)open_device("serial:///dev/no-such-port"); }),
                  "cannot open /dev/no-such-port: No such file or directory");
  expect_contains(error_of([] { (void)open_device("serial:///dev/null"); }),
                  "not a terminal (serial) device");
  // Binding a privileged port is the failure an unprivileged test can provoke reliably.
  if (geteuid() != 0) {
    expect_contains(error_of([] { (void)open_device("udp://127.0.0.1:1"); }),
                    "cannot listen on 127.0.0.1:1");
  }
}

TEST(DeviceUri, OpensUdpAndEnumeratesTheForms) {
  const auto device = open_device("udp://127.0.0.1:0?silence_ms=50");
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->uri(), "udp://127.0.0.1:0?silence_ms=50");
  EXPECT_EQ(device->max_payload_bytes(), std::size_t{1} << 20);
  EXPECT_GT(dynamic_cast<deminer::drivers::UdpDevice&>(*device).local_port(), 0);

  const auto entries = deminer::drivers::enumerate_devices();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().uri, "udp://0.0.0.0:5005");
  for (const auto& entry : entries) EXPECT_NO_THROW((void)parse_device_uri(entry.uri));
}

}  // namespace
