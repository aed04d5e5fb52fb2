// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title Assertions
/// @notice Checks that revert with a message naming what was checked and the values that disagreed.
abstract contract Assertions {
    /// @notice Reverts unless `actual == expected`.
    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) {
            revert(
                string.concat(what, ": expected ", Strings.toString(expected), ", got ", Strings.toString(actual))
            );
        }
    }

    /// @notice Reverts unless `actual == expected`.
    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) {
            revert(
                string.concat(
                    what, ": expected ", Strings.toHexString(expected), ", got ", Strings.toHexString(actual)
                )
            );
        }
    }

    /// @notice Reverts unless `actual == expected`.
    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) {
            revert(
                string.concat(
                    what,
                    ": expected ",
                    Strings.toHexString(uint256(expected), 32),
                    ", got ",
                    Strings.toHexString(uint256(actual), 32)
                )
            );
        }
    }

    /// @notice Reverts unless `actual <= limit`.
    function assertLe(uint256 actual, uint256 limit, string memory what) internal pure {
        if (actual > limit) {
            revert(string.concat(what, ": ", Strings.toString(actual), " exceeds ", Strings.toString(limit)));
        }
    }

    /// @notice Reverts unless `condition` holds.
    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(string.concat(what, ": expected true"));
    }

    /// @notice Reverts if `condition` holds.
    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) revert(string.concat(what, ": expected false"));
    }
}
