// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../consent/ConsentRegistry.sol";

/// @title ConsentRegistryV2
/// @notice Test-only upgrade target: adds state in a namespace of its own and a reinitializer, to show that
/// an upgrade keeps every consent, standing count, record anchor and nonce.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
/// @custom:oz-upgrades-from contracts/consent/ConsentRegistry.sol:ConsentRegistry
contract ConsentRegistryV2 is ConsentRegistry {
    /// @custom:storage-location erc7201:dcrm.storage.ConsentRegistryV2
    struct ConsentRegistryV2Storage {
        string releaseNote;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.ConsentRegistryV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE = 0x44540356571dba4ffca7cfdfae055b91c5505413a0357fe0fa4e6b9c25cce000;

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

    function _v2() private pure returns (ConsentRegistryV2Storage storage $) {
        assembly {
            $.slot := V2_STORAGE
        }
    }
}
