// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "./IRewardToken.sol";

/// @title IssuancePeriods
/// @notice The per-storefront issuance cap: periods aligned to multiples of their length (a one-day period is a
/// UTC day), a counter of what was issued in the current one, and the check that keeps it under the cap.
/// @dev Works on a memory copy of the packed slot so that checkout reads and writes that slot once.
library IssuancePeriods {
    /// @notice Moves `s` to the period containing `timestamp`, resetting its counter when a new one began.
    function roll(IRewardToken.StorefrontIssuance memory s, uint256 timestamp) internal pure {
        if (s.capPeriod == 0) return;
        if (timestamp >= uint256(s.periodStart) + s.capPeriod) {
            // A uint40 holds timestamps for the next 34,000 years.
            s.periodStart = uint40(timestamp - (timestamp % s.capPeriod));
            s.issuedInPeriod = 0;
        }
    }

    /// @notice Counts `amount` against the cap of the current period, reverting when it would go over.
    /// @dev Call `roll` first.
    function charge(IRewardToken.StorefrontIssuance memory s, address storefront, uint256 amount) internal pure {
        if (s.capPeriod == 0) revert IRewardToken.IssuanceCapNotSet(storefront);
        uint256 issued = uint256(s.issuedInPeriod) + amount;
        if (issued > s.capPerPeriod) {
            revert IRewardToken.IssuanceCapExceeded(storefront, s.capPerPeriod, s.periodStart, s.issuedInPeriod, amount);
        }
        // Bounded by capPerPeriod, a uint88.
        s.issuedInPeriod = uint88(issued);
    }
}
