// Filled in with the parser it tests.
#include <gtest/gtest.h>
