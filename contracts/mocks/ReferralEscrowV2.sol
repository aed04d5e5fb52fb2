// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReferralEscrow} from "../referral/ReferralEscrow.sol";

/// @title ReferralEscrowV2
/// @notice Test-only upgrade target: adds state in a namespace of its own and a reinitializer, to show that
/// an upgrade keeps every partner, term, budget, referral and token id.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
/// @custom:oz-upgrades-from contracts/referral/ReferralEscrow.sol:ReferralEscrow
contract ReferralEscrowV2 is ReferralEscrow {
    /// @custom:storage-location erc7201:dcrm.storage.ReferralEscrowV2
    struct ReferralEscrowV2Storage {
        string releaseNote;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.ReferralEscrowV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE = 0x740b0cdd1c2b6bab1c07f2eff7e3f37b10f78efea7c62143e70661e12f180800;

    /// @notice Runs once, at the upgrade.
    function initializeV2(string calldata note) external reinitializer(2) {
        _v2().releaseNote = note;
    }

    /// @notice The note set at the upgrade.
    function releaseNote() external view returns (string memory) {
        return _v2().releaseNote;
    }

    /// @notice The implementation's version.
    function version() external pure returns (uint256) {
        return 2;
    }

    function _v2() private pure returns (ReferralEscrowV2Storage storage $) {
        assembly {
            $.slot := V2_STORAGE
        }
    }
}
