// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IConstantEIP712} from "./IConstantEIP712.sol";

/// @title ConstantEIP712
/// @notice An EIP-712 domain whose name and version are constants of the contract: hashing typed data reads no
/// storage. The digests are OpenZeppelin's, and wallets read the domain from `eip712Domain()` (ERC-5267).
/// @dev A contract names its domain by overriding `_EIP712Name` (a constant string) and `_domainNameHash`
/// (its keccak256, precomputed); the version is `DOMAIN_VERSION`. It still inherits OpenZeppelin's
/// EIP712Upgradeable, whose namespaced storage (`openzeppelin.storage.EIP712`) keeps the name and version
/// written by `__ConstantEIP712_init`: deployed proxies keep their layout, and nothing reads that storage.
abstract contract ConstantEIP712 is IConstantEIP712, EIP712Upgradeable {
    /// @inheritdoc IConstantEIP712
    string public constant DOMAIN_VERSION = "1";

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant DOMAIN_VERSION_HASH = keccak256(bytes(DOMAIN_VERSION));

    /// @dev Writes the domain's name and version to OpenZeppelin's EIP-712 storage, as its initializer does.
    function __ConstantEIP712_init() internal onlyInitializing {
        __EIP712_init(_EIP712Name(), DOMAIN_VERSION);
    }

    /// @dev keccak256 of the domain name, a constant of the contract.
    function _domainNameHash() internal pure virtual returns (bytes32);

    /// @dev The domain separator for the current chain and this contract, from constants: no storage reads,
    /// unlike OpenZeppelin's `_domainSeparatorV4`, which hashes the name and version on every call.
    function _constantDomainSeparator() internal view returns (bytes32 domainSeparator) {
        (bytes32 typeHash, bytes32 nameHash, bytes32 versionHash) =
            (DOMAIN_TYPEHASH, _domainNameHash(), DOMAIN_VERSION_HASH);
        // keccak256(abi.encode(typeHash, nameHash, versionHash, chainid, this)), encoded in free memory that
        // is left unallocated.
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), nameHash)
            mstore(add(m, 0x40), versionHash)
            mstore(add(m, 0x60), chainid())
            mstore(add(m, 0x80), address())
            domainSeparator := keccak256(m, 0xa0)
        }
    }

    /// @dev OpenZeppelin's digest, over the constant domain separator.
    function _hashTypedDataV4(bytes32 structHash) internal view virtual override returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_constantDomainSeparator(), structHash);
    }

    /// @dev The constant version, instead of OpenZeppelin's storage read.
    function _EIP712Version() internal pure virtual override returns (string memory) {
        return DOMAIN_VERSION;
    }
}
