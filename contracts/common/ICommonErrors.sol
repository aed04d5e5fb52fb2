// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICommonErrors
/// @notice The errors that mean the same thing in every dCRM contract, declared once so that each concept has
/// one name and one selector across the ABIs.
interface ICommonErrors {
    /// @notice The zero address where an account, a token or a contract is needed.
    error ZeroAddress();

    /// @notice A zero amount where a positive one is needed.
    error ZeroAmount();

    /// @notice A batch with no items.
    error EmptyBatch();

    /// @notice Two lists of one batch have different lengths: `expected` items, `actual` given.
    error BatchLengthMismatch(uint256 expected, uint256 actual);

    /// @notice A signature submitted after its deadline.
    error SignatureExpired(uint256 deadline, uint256 timestamp);
}
