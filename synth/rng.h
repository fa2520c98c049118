// File: synth/rng.h (internal to synth/)
// The generator's one source of randomness; a seed fixes every draw.
//   Rng rng(seed);  int32_t day = rng.Between(lo, hi);  int i = rng.Weighted(weights);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace carestat::synth {

// xoshiro256** seeded through splitmix64. Written out here, with integer-only
// sampling on top, because std:: distributions may change between library versions
// and the files must not.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n). REQUIRES: n > 0. Rejection keeps it unbiased for any n.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int32_t Between(int32_t lo, int32_t hi) {
    return lo + static_cast<int32_t>(Below(static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1));
  }

  bool PerMille(int p) { return Below(1000) < static_cast<uint64_t>(p); }

  // An index drawn in proportion to `weights`. REQUIRES: a positive total.
  template <size_t N>
  int Weighted(const std::array<int, N>& weights) {
    return WeightedOf(weights.data(), N);
  }
  int WeightedOf(const int* weights, size_t n) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; ++i) total += static_cast<uint64_t>(weights[i]);
    uint64_t r = Below(total);
    for (size_t i = 0; i < n; ++i) {
      if (r < static_cast<uint64_t>(weights[i])) return static_cast<int>(i);
      r -= static_cast<uint64_t>(weights[i]);
    }
    return static_cast<int>(n - 1);
  }

  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace carestat::synth
