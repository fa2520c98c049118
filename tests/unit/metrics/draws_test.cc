// The band's fast draws (draws.h) against libstdc++'s own distributions, draw for draw:
// the same values from the same generator, and the generator left in the same place, so
// SimulateBand's output cannot change by using them.
#include "services/metrics/forecast/draws.h"

#include <cmath>
#include <cstdint>
#include <deque>
#include <random>

#include "gtest/gtest.h"

namespace carestat::forecast {
namespace {

const double kProbabilities[] = {0,    1e-6, 0.0005, 0.003, 0.05, 0.2,        0.4999, 0.5,
                                 0.5001, 0.8, 0.997, 0.9999, 1 - 1e-9, 1, 0.1 + 0.2};
const int64_t kChildren[] = {0, 1, 2, 3, 7, 20, 26, 100, 1000, 20000, 70000, 1000000};

TEST(Binomial, GivesTheLibraryDrawsFromTheSameGenerator) {
  for (double p : kProbabilities) {
    std::mt19937_64 theirs(7);
    MersenneTwister64 ours(7);  // as the band draws
    Binomial draw(p);  // one object for every t, as the band keeps one per probability
    for (int round = 0; round < 40; ++round) {
      for (int64_t t : kChildren) {
        const int64_t want = std::binomial_distribution<int64_t>(t, p)(theirs);
        ASSERT_EQ(draw(ours, t), want) << "p " << p << " t " << t << " round " << round;
      }
    }
    EXPECT_EQ(ours(), theirs()) << "p " << p << ": the generator must be left where the library leaves it";
  }
}

TEST(Poisson, GivesTheLibraryDrawsFromTheSameGenerator) {
  for (double mean : {1e-5, 0.02, 0.4, 1.0, 3.5, 11.99, 12.0, 40.0, 300.0}) {
    std::mt19937_64 theirs(11);
    MersenneTwister64 ours(11);
    const Poisson draw(mean);
    for (int i = 0; i < 2000; ++i) {
      const int64_t want = std::poisson_distribution<int64_t>(mean)(theirs);
      ASSERT_EQ(draw(ours), want) << "mean " << mean << " draw " << i;
    }
    EXPECT_EQ(ours(), theirs()) << "mean " << mean;
  }
}

TEST(MersenneTwister64, GivesStdMt19937_64sNumbers) {
  // The C++ standard's check: the 10000th number of a default-seeded mt19937_64.
  MersenneTwister64 standard(5489);
  for (int i = 1; i < 10000; ++i) standard();
  EXPECT_EQ(standard(), 9981545732273789042ULL);
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{18}, ~uint64_t{0}}) {
    std::mt19937_64 theirs(seed);
    MersenneTwister64 ours(seed);
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(ours(), theirs()) << "seed " << seed << " number " << i;
  }
  // The library's distributions take it as they take the library's engine (the band's
  // rejection-method draws do).
  std::mt19937_64 theirs(18);
  MersenneTwister64 ours(18);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(std::binomial_distribution<int64_t>(5000, 0.3)(ours), std::binomial_distribution<int64_t>(5000, 0.3)(theirs));
    ASSERT_EQ(std::poisson_distribution<int64_t>(40.0)(ours), std::poisson_distribution<int64_t>(40.0)(theirs));
  }
}

TEST(Canonical, IsTheLibrarysUniform) {
  std::mt19937_64 theirs(3), ours(3);
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(Canonical(ours), (std::generate_canonical<double, 53>(theirs)));
}

// A generator that gives the numbers it was handed, then an mt19937_64's.
class Scripted {
 public:
  using result_type = uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~uint64_t{0}; }
  result_type operator()() {
    if (script_.empty()) return rest_();
    const result_type r = script_.front();
    script_.pop_front();
    return r;
  }
  void Push(result_type r) { script_.push_back(r); }

 private:
  std::deque<result_type> script_;
  std::mt19937_64 rest_{5};
};

// The 64-bit number whose uniform u has 1 - u nearest `w`.
uint64_t NumberFor(double w) {
  const long double r = (1.0L - static_cast<long double>(w)) * 0x1p64L;
  if (r <= 0) return 0;
  if (r >= 0x1p64L) return ~uint64_t{0};
  return static_cast<uint64_t>(r);
}

// The first uniform decides whether any child leaves: where -log(1 - u) / t crosses
// q = -log(1 - p), the fast path must give way to the library's arithmetic. Uniforms
// around that point, at the edges of the fast path's margin and on every side of the
// crossing (to the last bit of u), give the library's values.
TEST(Binomial, AtThePointWhereNoChildLeavesGivesTheLibraryValue) {
  for (double p : {0.003, 0.05, 0.3, 0.7, 0.99}) {
    for (int64_t t : {1, 2, 5, 11}) {
      const double p12 = p <= 0.5 ? p : 1 - p;
      if (t * p12 >= 8) continue;
      const double q = -std::log(1 - p12);
      const double cross = std::exp(-q * t);
      std::vector<uint64_t> numbers;
      for (double rel : {-1e-6, -1.01e-9, -1e-9, -0.99e-9, -1e-12, 0.0, 1e-12, 0.99e-9, 1e-9, 1.01e-9, 1e-6}) {
        const uint64_t at = NumberFor(cross * (1 + rel));
        // The neighbouring uniforms: u's spacing is 2^11 numbers below 1/2 and at most that.
        for (int64_t k = -40; k <= 40; ++k) numbers.push_back(at + k * 2048);
      }
      Scripted theirs, ours;
      Binomial draw(p);
      int zeros = 0;
      for (uint64_t n : numbers) {
        theirs.Push(n);
        ours.Push(n);
        const int64_t want = std::binomial_distribution<int64_t>(t, p)(theirs);
        const int64_t got = draw(ours, t);
        ASSERT_EQ(got, want) << "p " << p << " t " << t << " number " << n;
        zeros += (p <= 0.5 ? want : t - want) == 0;
        ASSERT_EQ(ours(), theirs());
      }
      // Both sides of the crossing were drawn.
      EXPECT_GT(zeros, 0) << "p " << p << " t " << t;
      EXPECT_LT(zeros, static_cast<int>(numbers.size())) << "p " << p << " t " << t;
    }
  }
}

// No entrant when the first uniform is at or below exp(-mean): uniforms around that
// point, to the last bit, give the library's values.
TEST(Poisson, AtThePointOfNoEntrantGivesTheLibraryValue) {
  for (double mean : {1e-4, 0.05, 0.7, 3.0, 11.5}) {
    const double limit = std::exp(-mean);
    std::vector<uint64_t> numbers;
    for (double rel : {-1e-6, -1.01e-9, -1e-9, -0.99e-9, -1e-12, 0.0, 1e-12, 0.99e-9, 1e-9, 1.01e-9, 1e-6}) {
      const uint64_t at = static_cast<uint64_t>(static_cast<long double>(limit * (1 + rel)) * 0x1p64L);
      for (int64_t k = -40; k <= 40; ++k) numbers.push_back(at + k * 2048);
    }
    Scripted theirs, ours;
    const Poisson draw(mean);
    int zeros = 0;
    for (uint64_t n : numbers) {
      theirs.Push(n);
      ours.Push(n);
      const int64_t want = std::poisson_distribution<int64_t>(mean)(theirs);
      ASSERT_EQ(draw(ours), want) << "mean " << mean << " number " << n;
      zeros += want == 0;
      ASSERT_EQ(ours(), theirs());
    }
    EXPECT_GT(zeros, 0) << "mean " << mean;
    EXPECT_LT(zeros, static_cast<int>(numbers.size())) << "mean " << mean;
  }
}

}  // namespace
}  // namespace carestat::forecast
