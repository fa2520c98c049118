// File: draws.h
// The band's random draws (SimulateBand), fast: a binomial and a Poisson that give exactly
// what a fresh libstdc++ std::binomial_distribution<int64_t>(t, p)(rng) and
// std::poisson_distribution<int64_t>(mean)(rng) give, taking the same numbers from the
// same generator, and a generator that gives std::mt19937_64's numbers, so the band is
// unchanged to the last bit.
//   MersenneTwister64 rng(18);                 // std::mt19937_64's numbers, faster
//   Binomial leave(0.003);                     // the per-p work (a log) done once
//   int64_t left = leave(rng, children);       // most draws are 0, found without a log
//   int64_t in = Poisson(0.4)(rng);
// Why: the band makes one draw per state per step per run (about 280 million for a
// national forecast), most of them 0 leavers; the library's draw builds its parameters
// (a log) and takes a log of its uniform every time. Here the parameters are built once
// per probability, and a draw whose uniform lies clearly past the point where no child
// leaves returns 0 without the log; a uniform within 1e-9 (relative) of that point, and
// every draw after the first child, take the library's own arithmetic. Draws the fast
// path does not cover (t x min(p, 1 - p) >= 8, a mean of 12 or more: the library's
// rejection methods) are the library's draws. tests/unit/metrics/draws_test.cc checks
// every path against the library, draw for draw; a libstdc++ that changed its methods
// would fail it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"

namespace carestat::forecast {

// std::mt19937_64's sequence (the C++ standard fixes it: MT19937-64 and its seeding),
// made a block of 312 at a time. libstdc++'s engine picks the twist's constant with a
// branch that goes either way at random, and the band spends more time in it than in
// anything else; here a mask picks it. A UniformRandomBitGenerator, so the library's
// distributions take it as they take std::mt19937_64.
class MersenneTwister64 {
 public:
  using result_type = uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~uint64_t{0}; }

  explicit MersenneTwister64(uint64_t seed) {
    state_[0] = seed;
    for (int i = 1; i < kN; ++i)
      state_[i] = 6364136223846793005ULL * (state_[i - 1] ^ (state_[i - 1] >> 62)) + static_cast<uint64_t>(i);
  }

  result_type operator()() {
    if (ABSL_PREDICT_FALSE(next_ == kN)) Twist();
    return out_[next_++];
  }

 private:
  static constexpr int kN = 312, kM = 156;
  static constexpr uint64_t kUpper = ~uint64_t{0} << 31, kLower = ~kUpper, kA = 0xB5026F5AA96619E9ULL;

  static uint64_t Mix(uint64_t hi, uint64_t lo, uint64_t far) {
    const uint64_t y = (hi & kUpper) | (lo & kLower);
    return far ^ (y >> 1) ^ ((0 - (lo & 1)) & kA);
  }

  ABSL_ATTRIBUTE_NOINLINE void Twist() {
    int k = 0;
    for (; k < kN - kM; ++k) state_[k] = Mix(state_[k], state_[k + 1], state_[k + kM]);
    for (; k < kN - 1; ++k) state_[k] = Mix(state_[k], state_[k + 1], state_[k + kM - kN]);
    state_[kN - 1] = Mix(state_[kN - 1], state_[0], state_[kM - 1]);
    for (int i = 0; i < kN; ++i) {
      uint64_t z = state_[i];
      z ^= (z >> 29) & 0x5555555555555555ULL;
      z ^= (z << 17) & 0x71D67FFFEDA60000ULL;
      z ^= (z << 37) & 0xFFF7EEE000000000ULL;
      z ^= z >> 43;
      out_[i] = z;
    }
    next_ = 0;
  }

  uint64_t state_[kN];
  uint64_t out_[kN];
  int next_ = kN;
};

// A uniform in [0, 1) as libstdc++'s generate_canonical<double, 53> makes it from one
// 64-bit number (a generator of the whole 64-bit range, so one call): x / 2^64, below 1.
inline double Uniform(uint64_t x) {
  const double u = static_cast<double>(x) * 0x1p-64;
  return u >= 1 ? std::nextafter(1.0, 0.0) : u;
}
template <class G>
double Canonical(G& rng) {
  static_assert(G::min() == 0 && G::max() == ~uint64_t{0}, "a generator of the whole 64-bit range");
  return Uniform(rng());
}

class Binomial {
 public:
  // 0 <= p <= 1.
  explicit Binomial(double p) : p_(p), p12_(p <= 0.5 ? p : 1.0 - p), q_(-std::log(1 - p12_)) {}

  template <class G>
  int64_t operator()(G& rng, int64_t t) {
    static_assert(G::min() == 0 && G::max() == ~uint64_t{0}, "a generator of the whole 64-bit range");
    // Inline, the common case: t children seen before, the waiting-time method, and a
    // first number that says no child leaves; the rest out of line.
    if (ABSL_PREDICT_TRUE(static_cast<uint64_t>(t) < zero_above_.size())) {
      if (const uint64_t above = zero_above_[t]; above != 0) {
        const uint64_t first = rng();
        if (ABSL_PREDICT_TRUE(first > above)) return Flip(t, 0);
        return Flip(t, Waiting(rng, t, first));
      }
    }
    return Draw(rng, t);
  }

 private:
  // The library counts the successes of min(p, 1 - p).
  int64_t Flip(int64_t t, int64_t x) const { return p12_ != p_ ? t - x : x; }

  template <class G>
  ABSL_ATTRIBUTE_NOINLINE int64_t Draw(G& rng, int64_t t) {
    // The library's choice of method (binomial_distribution::param_type::_M_initialize).
    if (static_cast<double>(t) * p12_ >= 8) return std::binomial_distribution<int64_t>(t, p_)(rng);
    if (t == 0) return 0;
    const uint64_t above = ZeroAbove(t);
    const uint64_t first = rng();
    if (first > above) return Flip(t, 0);
    return Flip(t, Waiting(rng, t, first));
  }

  // The library's _M_waiting from its first number on: exponentials divided by the
  // children left, summed until past q. The first uniform decides whether no child
  // leaves (sum > q at once): -log(1 - u) / t > q, that is 1 - u < exp(-q t), that is
  // (clearly) the number drawn above ZeroAbove(t), checked on the number itself: no
  // conversion to a double, whose branch on the top bit goes either way at random.
  template <class G>
  ABSL_ATTRIBUTE_NOINLINE int64_t Waiting(G& rng, int64_t t, uint64_t first) const {
    double sum = -std::log(1.0 - Uniform(first)) / static_cast<double>(t);
    int64_t x = 1;
    while (sum <= q_) {
      if (t == x) return x;
      sum += -std::log(1.0 - Canonical(rng)) / static_cast<double>(t - x);
      ++x;
    }
    return x - 1;
  }

  // Above this number, 1 - u is below exp(-q t) by a relative 1e-9 or more, so that
  // -log(1 - u) / t exceeds q far beyond the rounding of the log, the division and u:
  // the library's arithmetic would say 0 too. In this method q t < 11.1 (t p < 8,
  // p <= 1/2), so exp(-q t) > 1.5e-5 and the margin (over 1.5e-14) dwarfs the 2^-52 of
  // u's and 1 - u's rounding; a smaller exp(-q t) gets no shortcut.
  uint64_t ZeroAbove(int64_t t) {
    const double w = std::exp(-q_ * static_cast<double>(t) * (1 + 1e-9)) * (1 - 1e-9);
    const uint64_t v = w > 1e-6 ? std::max<uint64_t>(1, static_cast<uint64_t>((1 - w * (1 - 2e-9)) * 0x1p64))
                                : ~uint64_t{0};
    if (t < kCached) {
      if (t >= static_cast<int64_t>(zero_above_.size())) zero_above_.resize(t + 1, 0);
      zero_above_[t] = v;
    }
    return v;
  }

  static constexpr int64_t kCached = 1 << 16;
  double p_, p12_, q_;
  // By t: 0 where not yet computed or where the library's rejection method draws.
  std::vector<uint64_t> zero_above_;
};

class Poisson {
 public:
  // mean >= 0.
  explicit Poisson(double mean)
      : mean_(mean),
        limit_(std::exp(-mean)),
        // At or below limit, with a relative margin of 1e-9 for u's rounding; 0 (no
        // shortcut) for the library's rejection method, a mean of 12 or more.
        zero_below_(mean < 12 ? static_cast<uint64_t>(limit_ * (1 - 1e-9) * 0x1p64) : 0) {}

  template <class G>
  int64_t operator()(G& rng) const {
    static_assert(G::min() == 0 && G::max() == ~uint64_t{0}, "a generator of the whole 64-bit range");
    // The library's product of uniforms against exp(-mean): a first uniform at or below
    // it is 0 entrants, checked on the number when clearly so (as Binomial does).
    if (ABSL_PREDICT_TRUE(zero_below_ != 0)) {
      const uint64_t first = rng();
      if (ABSL_PREDICT_TRUE(first < zero_below_)) return 0;
      return Product(rng, first);
    }
    if (mean_ >= 12) return std::poisson_distribution<int64_t>(mean_)(rng);  // its rejection method
    return Product(rng, rng());
  }

 private:
  template <class G>
  ABSL_ATTRIBUTE_NOINLINE int64_t Product(G& rng, uint64_t first) const {
    double prod = Uniform(first);
    int64_t x = 1;
    while (prod > limit_) {
      prod *= Canonical(rng);
      ++x;
    }
    return x - 1;
  }

  double mean_, limit_;
  uint64_t zero_below_;
};

}  // namespace carestat::forecast
