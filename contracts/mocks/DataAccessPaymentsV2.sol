// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DataAccessPayments} from "../dataAccess/DataAccessPayments.sol";

/// @title DataAccessPaymentsV2
/// @notice Test-only upgrade target: adds state in a namespace of its own and a reinitializer, to show that
/// an upgrade keeps every deposit, earning, accrued fee, setting and nonce.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
/// @custom:oz-upgrades-from contracts/dataAccess/DataAccessPayments.sol:DataAccessPayments
contract DataAccessPaymentsV2 is DataAccessPayments {
    /// @custom:storage-location erc7201:dcrm.storage.DataAccessPaymentsV2
    struct DataAccessPaymentsV2Storage {
        string releaseNote;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.DataAccessPaymentsV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant V2_STORAGE = 0xfb8d67196b69b7666a8fef4f6e7c8536843a0a84d3b1965d4d27d9ca91ce7a00;

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

    function _v2() private pure returns (DataAccessPaymentsV2Storage storage $) {
        assembly {
            $.slot := V2_STORAGE
        }
    }
}
