// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RewardToken} from "../reward/RewardToken.sol";

/// @title RewardTokenV2
/// @notice Test-only upgrade target: adds state in a namespace of its own and a reinitializer, to show that
/// an upgrade keeps every balance, role, cap and rewarded order.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
/// @custom:oz-upgrades-from contracts/reward/RewardToken.sol:RewardToken
contract RewardTokenV2 is RewardToken {
    /// @custom:storage-location erc7201:dcrm.storage.RewardTokenV2
    struct RewardTokenV2Storage {
        string releaseNote;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.RewardTokenV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE = 0x8add59e95e9c0be16ab2faae2b2b3d74bed712c98b9950b15db75efa495a7700;

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

    function _v2() private pure returns (RewardTokenV2Storage storage $) {
        assembly {
            $.slot := V2_STORAGE
        }
    }
}
