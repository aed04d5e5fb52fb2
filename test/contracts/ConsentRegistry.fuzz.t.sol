// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {ICommonErrors} from "../../contracts/common/ICommonErrors.sol";
import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../contracts/consent/IConsentRegistry.sol";
import {Assertions} from "./utils/Assertions.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {Vm, VM_ADDRESS} from "./utils/Vm.sol";

/// @title ConsentRegistryFuzzTest
/// @notice Property tests of ConsentRegistry with fuzzed inputs: a consent is active exactly while granted and
/// before its expiry, `standingConsents` counts the granted consents through any sequence of grants, revokes and
/// time jumps, and a signed grant works once, for its signer, chain and contract only.
contract ConsentRegistryFuzzTest is Assertions {
    using FuzzBounds for uint256;

    Vm internal constant vm = Vm(VM_ADDRESS);

    uint256 private constant SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant MAX_EXPIRY = type(uint40).max;
    uint256 private constant CONSUMER_COUNT = 4;
    uint256 private constant MAX_STEPS = 40;
    bytes32 private constant SCOPE = keccak256("purchase-history");
    bytes32 private constant OTHER_SCOPE = keccak256("profile");

    // Written out here, not read from the contract: the test checks the contract against the standard.
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "ConsentGrant(address shopper,address consumer,bytes32 scope,uint96 pricePerAccess,uint40 expiresAt,uint256 nonce,uint256 deadline)"
    );

    address private immutable admin = _account("admin");
    address private immutable shopper = _account("shopper");
    address private immutable relayer = _account("relayer");

    ConsentRegistry private registry;

    function setUp() public {
        vm.warp(START_TIME);
        ConsentRegistry implementation = new ConsentRegistry();
        registry = ConsentRegistry(
            address(new ERC1967Proxy(address(implementation), abi.encodeCall(ConsentRegistry.initialize, (admin))))
        );
        vm.label(address(registry), "ConsentRegistry");
    }

    // ─── Expiry ─────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_consent_isActiveExactlyWhileGrantedAndBeforeExpiry(
        uint96 price,
        uint256 expirySeed,
        uint256 jumpSeed,
        bool revokeIt
    ) public {
        address consumer = _consumer(0);
        uint40 expiresAt = uint40(expirySeed.bound(START_TIME + 1, MAX_EXPIRY));
        vm.prank(shopper);
        registry.grant(consumer, SCOPE, price, expiresAt);
        IConsentRegistry.Consent memory consent = registry.consentOf(shopper, consumer, SCOPE);
        assertTrue(consent.granted, "granted");
        assertEq(consent.expiresAt, expiresAt, "expiresAt");
        assertEq(consent.pricePerAccess, price, "pricePerAccess");
        assertTrue(registry.isConsentActive(shopper, consumer, SCOPE), "active when granted");

        if (revokeIt) {
            vm.prank(shopper);
            registry.revoke(consumer, SCOPE);
        }
        uint256 timestamp = jumpSeed.bound(START_TIME, MAX_EXPIRY + 1_000);
        vm.warp(timestamp);
        bool expected = !revokeIt && timestamp < expiresAt;
        assertTrue(registry.isConsentActive(shopper, consumer, SCOPE) == expected, "isConsentActive");
        IConsentRegistry.ConsentQuote memory q = registry.quote(shopper, consumer, SCOPE);
        assertTrue(q.active == expected, "quote.active");
        assertEq(q.pricePerAccess, revokeIt ? 0 : price, "quote.pricePerAccess");
        address[] memory shoppers = new address[](2);
        shoppers[0] = shopper;
        shoppers[1] = relayer;
        uint256[] memory qs = registry.quotes(consumer, SCOPE, shoppers);
        assertEq(qs[0], expected ? registry.QUOTE_ACTIVE() | price : 0, "quotes[0]");
        assertEq(qs[1], 0, "quotes[1]");
        assertEq(registry.standingConsents(shopper, SCOPE), revokeIt ? 0 : 1, "standingConsents");

        // The edges: the second before the expiry, and the expiry itself.
        vm.warp(uint256(expiresAt) - 1);
        assertTrue(registry.isConsentActive(shopper, consumer, SCOPE) == !revokeIt, "active a second before expiry");
        vm.warp(expiresAt);
        assertFalse(registry.isConsentActive(shopper, consumer, SCOPE), "inactive at expiry");
    }

    function testFuzz_grant_refusesAnExpiryNotInTheFuture(uint96 price, uint256 expirySeed, uint256 nowSeed) public {
        uint256 timestamp = nowSeed.bound(START_TIME, MAX_EXPIRY);
        vm.warp(timestamp);
        uint40 expiresAt = uint40(expirySeed.bound(0, timestamp));
        vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ExpiryInPast.selector, expiresAt, timestamp));
        vm.prank(shopper);
        registry.grant(_consumer(0), SCOPE, price, expiresAt);
        assertEq(registry.standingConsents(shopper, SCOPE), 0, "standingConsents");
    }

    // ─── Standing consents ──────────────────────────────────────────────────────────────────────────────

    function testFuzz_sequence_standingConsentsCountsTheGrantedConsents(uint256 seed, uint256 stepsSeed) public {
        uint256 steps = stepsSeed.bound(1, MAX_STEPS);
        bool[CONSUMER_COUNT] memory granted;
        uint256 count;
        for (uint256 i; i < steps; ++i) {
            uint256 word = seed.derive(i);
            uint256 index = word % CONSUMER_COUNT;
            address consumer = _consumer(index);
            uint256 op = (word >> 8) % 3;
            if (op == 0) {
                // Grant or re-grant, with fresh terms.
                uint40 expiresAt = uint40(block.timestamp + 1 + (word >> 16) % 10 days);
                vm.prank(shopper);
                registry.grant(consumer, SCOPE, uint96(word >> 64), expiresAt);
                if (!granted[index]) ++count;
                granted[index] = true;
            } else if (op == 1) {
                if (!granted[index]) {
                    vm.expectRevert(
                        abi.encodeWithSelector(IConsentRegistry.ConsentNotGranted.selector, shopper, consumer, SCOPE)
                    );
                } else {
                    --count;
                    granted[index] = false;
                }
                vm.prank(shopper);
                registry.revoke(consumer, SCOPE);
            } else {
                // Time passes: consents may expire, but expired ones still stand until revoked.
                vm.warp(block.timestamp + (word >> 16) % 20 days);
            }
            assertEq(registry.standingConsents(shopper, SCOPE), count, "standingConsents");
            assertEq(registry.standingConsents(shopper, OTHER_SCOPE), 0, "other scope");
            for (uint256 j; j < CONSUMER_COUNT; ++j) {
                assertTrue(registry.consentOf(shopper, _consumer(j), SCOPE).granted == granted[j], "granted");
            }
        }

        // Erasing must name exactly the granted consumers.
        address[] memory named = new address[](count);
        uint256 n;
        for (uint256 j; j < CONSUMER_COUNT; ++j) {
            if (granted[j]) named[n++] = _consumer(j);
        }
        if (count > 0) {
            address[] memory short = new address[](count - 1);
            for (uint256 k; k < count - 1; ++k) {
                short[k] = named[k];
            }
            vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.ConsentsRemain.selector, shopper, SCOPE, 1));
            vm.prank(shopper);
            registry.eraseRecord(SCOPE, short);
        }
        vm.prank(shopper);
        registry.eraseRecord(SCOPE, named);
        assertEq(registry.standingConsents(shopper, SCOPE), 0, "standingConsents after erasure");
        for (uint256 j; j < CONSUMER_COUNT; ++j) {
            assertFalse(registry.consentOf(shopper, _consumer(j), SCOPE).granted, "granted after erasure");
        }
    }

    // ─── Signatures ─────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_grantBySignature_worksOnceForItsSigner(
        uint256 keySeed,
        uint256 otherKeySeed,
        uint96 price,
        uint256 expirySeed,
        uint256 deadlineSeed
    ) public {
        uint256 key = keySeed.bound(1, SECP256K1_ORDER - 1);
        uint256 otherKey = otherKeySeed.bound(1, SECP256K1_ORDER - 1);
        vm.assume(otherKey != key);
        address signer = vm.addr(key);
        IConsentRegistry.ConsentGrant memory consent = IConsentRegistry.ConsentGrant({
            shopper: signer,
            consumer: _consumer(1),
            scope: SCOPE,
            pricePerAccess: price,
            expiresAt: uint40(expirySeed.bound(START_TIME + 1, MAX_EXPIRY)),
            nonce: 0,
            deadline: deadlineSeed.bound(START_TIME, type(uint256).max)
        });

        // Another key's signature, and the right key's for another chain or contract, are refused.
        bytes[3] memory wrong = [
            _sign(otherKey, _digest(consent, block.chainid, address(registry))),
            _sign(key, _digest(consent, block.chainid + 1, address(registry))),
            _sign(key, _digest(consent, block.chainid, address(this)))
        ];
        for (uint256 i; i < wrong.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IConsentRegistry.InvalidShopperSignature.selector, signer));
            vm.prank(relayer);
            registry.grantBySignature(consent, wrong[i]);
        }

        bytes memory signature = _sign(key, _digest(consent, block.chainid, address(registry)));
        vm.prank(relayer);
        registry.grantBySignature(consent, signature);
        IConsentRegistry.Consent memory stored = registry.consentOf(signer, consent.consumer, SCOPE);
        assertTrue(stored.granted, "granted");
        assertEq(stored.pricePerAccess, price, "pricePerAccess");
        assertEq(stored.expiresAt, consent.expiresAt, "expiresAt");
        assertEq(registry.nonces(signer), 1, "nonce");
        assertEq(registry.standingConsents(signer, SCOPE), 1, "standingConsents");

        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, signer, 1));
        vm.prank(relayer);
        registry.grantBySignature(consent, signature);
    }

    function testFuzz_grantBySignature_refusesAfterItsDeadline(uint256 deadlineSeed, uint256 lateSeed) public {
        uint256 key = 0xC0FFEE;
        uint256 deadline = deadlineSeed.bound(START_TIME, MAX_EXPIRY - 2);
        IConsentRegistry.ConsentGrant memory consent = IConsentRegistry.ConsentGrant({
            shopper: vm.addr(key),
            consumer: _consumer(2),
            scope: SCOPE,
            pricePerAccess: 1,
            expiresAt: uint40(MAX_EXPIRY),
            nonce: 0,
            deadline: deadline
        });
        bytes memory signature = _sign(key, _digest(consent, block.chainid, address(registry)));
        uint256 late = lateSeed.bound(deadline + 1, MAX_EXPIRY - 1);
        vm.warp(late);
        vm.expectRevert(abi.encodeWithSelector(ICommonErrors.SignatureExpired.selector, deadline, late));
        vm.prank(relayer);
        registry.grantBySignature(consent, signature);
        assertEq(registry.nonces(consent.shopper), 0, "nonce");
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────

    function _digest(IConsentRegistry.ConsentGrant memory consent, uint256 chainId, address verifyingContract)
        private
        pure
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("dCRM ConsentRegistry"), keccak256("1"), chainId, verifyingContract
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                GRANT_TYPEHASH,
                consent.shopper,
                consent.consumer,
                consent.scope,
                consent.pricePerAccess,
                consent.expiresAt,
                consent.nonce,
                consent.deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _consumer(uint256 index) private pure returns (address) {
        return _account(string.concat("consumer ", string(abi.encodePacked(bytes1(uint8(48 + index))))));
    }

    function _account(string memory name) private pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}
