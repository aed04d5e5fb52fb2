// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title PredictedOutcomes
/// @notice What invariant handlers share: each action predicts whether its call must succeed or which errors
/// may reject it, and the outcome is checked against that prediction. Calls against the prediction are
/// counted in `ghostUnexpectedOutcomes`; successful calls that moved other amounts than the model says in
/// `ghostMovementMismatches`. Invariants assert both stay zero.
abstract contract PredictedOutcomes {
    /// @dev The errors a call may revert with; none means it must succeed.
    struct Expectation {
        bytes4[16] reasons;
        uint256 count;
    }

    /// @notice Calls whose outcome (success, or the error) differed from the model's prediction.
    uint256 public ghostUnexpectedOutcomes;
    /// @notice The latest unexpected outcome, for the failure message.
    string public lastUnexpectedOutcome;
    /// @notice Successful calls that moved other amounts, or returned other values, than the model says.
    uint256 public ghostMovementMismatches;
    /// @notice The latest mismatch, for the failure message.
    string public lastMovementMismatch;
    /// @notice Successful calls per action, to see that runs do something.
    mapping(string action => uint256) public ghostSuccesses;

    /// @dev An expectation that allows no error: the call must succeed.
    function _none() internal pure returns (Expectation memory expectation) {}

    /// @dev Lets the call revert with `reason`.
    function _allow(Expectation memory expectation, bytes4 reason) internal pure {
        if (expectation.count < expectation.reasons.length) expectation.reasons[expectation.count++] = reason;
    }

    /// @dev Whether the call went as `expectation` says: success when it allows no error, otherwise a revert with
    /// one of the errors it allows. Counts and describes any other outcome.
    function _asPredicted(
        Expectation memory expectation,
        bool succeeded,
        bytes memory revertData,
        string memory action
    ) internal returns (bool) {
        bool expectedSuccess = expectation.count == 0;
        bytes4 selector = revertData.length >= 4 ? bytes4(revertData) : bytes4(0);
        bool allowed;
        for (uint256 i; i < expectation.count; ++i) {
            if (expectation.reasons[i] == selector) allowed = true;
        }
        if (succeeded == expectedSuccess && (succeeded || allowed)) {
            if (succeeded) ++ghostSuccesses[action];
            return true;
        }
        ++ghostUnexpectedOutcomes;
        lastUnexpectedOutcome = string.concat(
            action,
            succeeded ? " succeeded" : " reverted with ",
            succeeded ? "" : Strings.toHexString(uint32(selector), 4),
            expectedSuccess ? "; the model expected success" : "; the model expected a revert with, first, ",
            expectedSuccess ? "" : Strings.toHexString(uint32(expectation.reasons[0]), 4)
        );
        return false;
    }

    /// @dev Counts and describes a successful call that moved `actual` where the model says `expected`.
    function _checkMovement(uint256 actual, uint256 expected, string memory what) internal {
        if (actual == expected) return;
        ++ghostMovementMismatches;
        lastMovementMismatch =
            string.concat(what, ": expected ", Strings.toString(expected), ", got ", Strings.toString(actual));
    }
}
