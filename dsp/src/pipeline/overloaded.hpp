// Overloaded{lambda...}: one visitor for std::visit from several lambdas (private to pipeline/).
#pragma once

namespace deminer::dsp::detail {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// clang 14 does not deduce aggregate template arguments by itself.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace deminer::dsp::detail
