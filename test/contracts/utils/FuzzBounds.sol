// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title FuzzBounds
/// @notice Maps fuzzed words into ranges without discarding inputs (unlike `vm.assume`), and derives further
/// pseudo-random words from one fuzzed seed.
library FuzzBounds {
    /// @notice `x` mapped into `[min, max]`. Values inside are kept; the fuzzer's favourite edge values (0 to 3
    /// and the largest four words) land on the matching edges of the range; anything else wraps around it.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "FuzzBounds: min > max");
        if (x >= min && x <= max) return x;
        uint256 span = max - min;
        if (x <= 3 && x <= span) return min + x;
        uint256 belowTop = type(uint256).max - x;
        if (belowTop <= 3 && belowTop <= span) return max - belowTop;
        // span < type(uint256).max here: a full-width range holds every x and returned above.
        return min + x % (span + 1);
    }

    /// @notice The `index`-th pseudo-random word derived from `seed`.
    function derive(uint256 seed, uint256 index) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, index)));
    }
}
