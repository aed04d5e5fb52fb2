// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @title IConstantEIP712
/// @notice The EIP-712 domain of a contract that signs typed data under a constant name and version: wallets
/// read the domain from `eip712Domain()` (ERC-5267).
interface IConstantEIP712 is IERC5267 {
    /// @notice The EIP-712 domain version.
    /// @return The version, "1".
    function DOMAIN_VERSION() external view returns (string memory);
}
