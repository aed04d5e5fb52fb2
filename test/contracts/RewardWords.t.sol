// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardPolicies} from "../../contracts/reward/IRewardPolicies.sol";
import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {RecordedOrderWords, StorefrontPolicyWords, TokenPolicyWords} from "../../contracts/reward/RewardWords.sol";
import {StorefrontIssuanceSlot, StorefrontIssuanceSlots} from "../../contracts/reward/StorefrontIssuanceSlot.sol";
import {Assertions} from "./utils/Assertions.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";

/// @title RewardWordsTest
/// @notice The named layouts of RewardToken's packed words (token policy, recorded order, storefront policy,
/// storefront issuance): each field's offset and width against Solidity's packing of the struct, the readers
/// and writers against written values read back, and the live token's words against its views.
contract RewardWordsTest is Assertions, RewardTokenDeployment {
    /// @dev keccak256(abi.encode(uint256(keccak256("dcrm.storage.RewardToken")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant NAMESPACE = 0xae44efe43fe4ff41ed04ba73460000ed9b1a7c22c992de8410304aacc0b4ec00;
    /// @dev The members' slots in the namespace: `storefronts` first, `policy` third, `storefrontPolicies`
    /// fourth, `orders` fifth.
    uint256 private constant STOREFRONTS_SLOT = NAMESPACE;
    uint256 private constant POLICY_SLOT = NAMESPACE + 2;
    uint256 private constant STOREFRONT_POLICIES_SLOT = NAMESPACE + 3;
    uint256 private constant ORDERS_SLOT = NAMESPACE + 4;

    /// @dev Slots 0 to 3 of this contract: where Solidity stores the structs for the layout comparison.
    IRewardToken.TokenPolicy private storedPolicy;
    IRewardPolicies.RecordedOrder private storedOrder;
    IRewardPolicies.StorefrontPolicy private storedStorefrontPolicy;
    IRewardToken.StorefrontIssuance private storedIssuance;

    // ─── Offsets and widths: one field at its largest value, every other zero ───────────────────────────

    function test_tokenPolicyWord_eachFieldAtItsOffsetAndWidth() public {
        storedPolicy = IRewardToken.TokenPolicy(true, false, 0, 0, 0);
        assertEq(_word(0), 1, "paused: bit 0");
        storedPolicy = IRewardToken.TokenPolicy(false, true, 0, 0, 0);
        assertEq(_word(0), 1 << TokenPolicyWords.TRANSFERS_LOCKED_OFFSET, "transfersLocked");
        storedPolicy = IRewardToken.TokenPolicy(false, false, type(uint128).max, 0, 0);
        assertEq(_word(0), uint256(type(uint128).max) << TokenPolicyWords.SUPPLY_CAP_OFFSET, "supplyCap");
        storedPolicy = IRewardToken.TokenPolicy(false, false, 0, type(uint32).max, 0);
        assertEq(_word(0), uint256(type(uint32).max) << TokenPolicyWords.EXPIRY_PERIOD_OFFSET, "expiryPeriod");
        storedPolicy = IRewardToken.TokenPolicy(false, false, 0, 0, type(uint40).max);
        uint256 startBits = uint256(type(uint40).max) << TokenPolicyWords.EXPIRY_START_OFFSET;
        assertEq(_word(0), startBits, "expiryStart");
        // The switches are every field but expiryStart: all of them at their largest fill the mask exactly.
        storedPolicy = IRewardToken.TokenPolicy(true, true, type(uint128).max, type(uint32).max, 0);
        assertEq(_word(0) | TokenPolicyWords.SWITCHES_MASK, TokenPolicyWords.SWITCHES_MASK, "switches within mask");
        assertEq(TokenPolicyWords.SWITCHES_MASK & startBits, 0, "expiryStart outside the switches");
        assertEq(TokenPolicyWords.SWITCHES_MASK | startBits, type(uint216).max, "mask and expiryStart fill the struct");
        assertEq(TokenPolicyWords.SWITCHES_MASK, (1 << TokenPolicyWords.EXPIRY_START_OFFSET) - 1, "the literal mask");
    }

    function test_recordedOrderWord_eachFieldAtItsOffsetAndWidth() public {
        storedOrder = IRewardPolicies.RecordedOrder(type(uint88).max, 0, false, false);
        assertEq(_word(1), RecordedOrderWords.POINTS_MASK, "points");
        storedOrder = IRewardPolicies.RecordedOrder(0, type(uint40).max, false, false);
        assertEq(_word(1), uint256(type(uint40).max) << RecordedOrderWords.RELEASE_TIME_OFFSET, "releaseTime");
        storedOrder = IRewardPolicies.RecordedOrder(0, 0, true, false);
        assertEq(_word(1), 1 << RecordedOrderWords.RELEASED_OFFSET, "released");
        storedOrder = IRewardPolicies.RecordedOrder(0, 0, false, true);
        assertEq(_word(1), 1 << RecordedOrderWords.CLAWBACK_ALLOWED_OFFSET, "clawbackAllowed");
    }

    function test_storefrontPolicyWord_eachFieldAtItsOffsetAndWidth() public {
        storedStorefrontPolicy = IRewardPolicies.StorefrontPolicy(type(uint32).max, false);
        assertEq(_word(2), type(uint32).max, "returnWindow");
        storedStorefrontPolicy = IRewardPolicies.StorefrontPolicy(0, true);
        assertEq(_word(2), 1 << StorefrontPolicyWords.CLAWBACK_ALLOWED_OFFSET, "clawbackAllowed");
    }

    function test_storefrontIssuanceWord_eachFieldAtItsOffsetAndWidth() public {
        storedIssuance = IRewardToken.StorefrontIssuance(true, 0, 0, 0, 0);
        assertEq(_word(3), StorefrontIssuanceSlots.ISSUER_FLAG, "isIssuer: the issuer flag");
        storedIssuance = IRewardToken.StorefrontIssuance(false, type(uint32).max, 0, 0, 0);
        assertEq(
            _word(3), StorefrontIssuanceSlots.MASK_32 << StorefrontIssuanceSlots.CAP_PERIOD_OFFSET, "capPeriod"
        );
        storedIssuance = IRewardToken.StorefrontIssuance(false, 0, type(uint40).max, 0, 0);
        assertEq(
            _word(3), StorefrontIssuanceSlots.MASK_40 << StorefrontIssuanceSlots.PERIOD_START_OFFSET, "periodStart"
        );
        storedIssuance = IRewardToken.StorefrontIssuance(false, 0, 0, type(uint88).max, 0);
        assertEq(_word(3), StorefrontIssuanceSlots.MASK_88 << StorefrontIssuanceSlots.CAP_OFFSET, "capPerPeriod");
        storedIssuance = IRewardToken.StorefrontIssuance(false, 0, 0, 0, type(uint88).max);
        assertEq(_word(3), StorefrontIssuanceSlots.MASK_88 << StorefrontIssuanceSlots.ISSUED_OFFSET, "issuedInPeriod");
        // Both flags live in the byte that Solidity gives `isIssuer`, and are distinct bits.
        uint256 flags = StorefrontIssuanceSlots.ISSUER_FLAG | StorefrontIssuanceSlots.RECORDS_ORDERS_FLAG;
        assertEq(flags & StorefrontIssuanceSlots.MASK_8, flags, "flags within the low byte");
        assertEq(StorefrontIssuanceSlots.ISSUER_FLAG & StorefrontIssuanceSlots.RECORDS_ORDERS_FLAG, 0, "distinct flags");
        StorefrontIssuanceSlot records = StorefrontIssuanceSlot.wrap(0).withRecordsOrders(true);
        assertEq(StorefrontIssuanceSlot.unwrap(records), StorefrontIssuanceSlots.RECORDS_ORDERS_FLAG, "records flag");
        assertFalse(records.isIssuer(), "records flag is not the issuer flag");
    }

    // ─── Readers and writers against written values ─────────────────────────────────────────────────────

    function testFuzz_tokenPolicyWord_readsEachFieldAsSolidityStoresIt(
        bool paused,
        bool locked,
        uint128 cap,
        uint32 period,
        uint40 start
    ) public {
        storedPolicy = IRewardToken.TokenPolicy(paused, locked, cap, period, start);
        uint256 word = _word(0);
        assertTrue(TokenPolicyWords.paused(word) == paused, "paused");
        assertTrue(TokenPolicyWords.transfersLocked(word) == locked, "transfersLocked");
        assertEq(TokenPolicyWords.supplyCap(word), cap, "supplyCap");
        assertEq(TokenPolicyWords.expiryPeriod(word), period, "expiryPeriod");
        assertEq(TokenPolicyWords.expiryStart(word), start, "expiryStart");
        bool anyOn = paused || locked || cap != 0 || period != 0;
        assertTrue(TokenPolicyWords.anySwitchOn(word) == anyOn, "anySwitchOn ignores expiryStart");
    }

    function testFuzz_recordedOrderWord_packsAndReadsAsSolidityStoresIt(
        uint88 points,
        uint40 releaseTime,
        bool released,
        bool clawbackAllowed
    ) public {
        storedOrder = IRewardPolicies.RecordedOrder(points, releaseTime, released, clawbackAllowed);
        uint256 word = _word(1);
        assertEq(RecordedOrderWords.pack(points, releaseTime, released, clawbackAllowed), word, "packed word");
        assertEq(RecordedOrderWords.points(word), points, "points");
        assertEq(RecordedOrderWords.releaseTime(word), releaseTime, "releaseTime");
        assertTrue(RecordedOrderWords.released(word) == released, "released");
        assertTrue(RecordedOrderWords.clawbackAllowed(word) == clawbackAllowed, "clawbackAllowed");
    }

    function testFuzz_recordedOrderWord_updatesTouchOnlyTheirField(
        uint88 points,
        uint40 releaseTime,
        bool released,
        bool clawbackAllowed,
        uint88 newPoints
    ) public {
        storedOrder = IRewardPolicies.RecordedOrder(points, releaseTime, released, clawbackAllowed);
        uint256 word = _word(1);
        storedOrder.points = newPoints;
        assertEq(RecordedOrderWords.withPoints(word, newPoints), _word(1), "withPoints");
        storedOrder = IRewardPolicies.RecordedOrder(points, releaseTime, true, clawbackAllowed);
        assertEq(RecordedOrderWords.asReleased(word), _word(1), "asReleased");
    }

    function testFuzz_storefrontPolicyWord_readsEachFieldAsSolidityStoresIt(uint32 returnWindow, bool clawbackAllowed)
        public
    {
        storedStorefrontPolicy = IRewardPolicies.StorefrontPolicy(returnWindow, clawbackAllowed);
        uint256 word = _word(2);
        assertEq(StorefrontPolicyWords.returnWindow(word), returnWindow, "returnWindow");
        assertTrue(StorefrontPolicyWords.clawbackAllowed(word) == clawbackAllowed, "clawbackAllowed");
    }

    // ─── The live token's words ─────────────────────────────────────────────────────────────────────────

    /// @notice The token's own words, read from its storage, decode to what its views report.
    function test_liveTokenWords_decodeToItsViews() public {
        address admin = address(0xA11CE);
        address storefront = address(0x5701);
        address shopper = address(0x5409);
        vm.warp(1_750_000_000);
        RewardToken token = deployRewardToken(admin);
        enableStorefront(token, admin, storefront, 1_000_000, 1 days);
        vm.startPrank(admin);
        token.setSupplyCap(123_456_789);
        token.setExpiryPeriod(30 days);
        token.setTransfersLocked(true);
        vm.stopPrank();
        vm.startPrank(storefront);
        token.setStorefrontPolicy(14 days, true);
        token.issue(shopper, 7, 4_321);
        vm.stopPrank();

        uint256 policyWord = uint256(vm.load(address(token), bytes32(POLICY_SLOT)));
        assertFalse(TokenPolicyWords.paused(policyWord), "policy word: paused");
        assertTrue(TokenPolicyWords.transfersLocked(policyWord), "policy word: transfersLocked");
        assertEq(TokenPolicyWords.supplyCap(policyWord), token.supplyCap(), "policy word: supplyCap");
        assertEq(TokenPolicyWords.expiryPeriod(policyWord), token.expiryPeriod(), "policy word: expiryPeriod");
        assertEq(TokenPolicyWords.expiryStart(policyWord), block.timestamp, "policy word: expiryStart");
        vm.prank(admin);
        token.pause();
        policyWord = uint256(vm.load(address(token), bytes32(POLICY_SLOT)));
        assertTrue(TokenPolicyWords.paused(policyWord), "policy word: paused after pause");

        bytes32 storefrontKey = keccak256(abi.encode(storefront, STOREFRONT_POLICIES_SLOT));
        uint256 storefrontWord = uint256(vm.load(address(token), storefrontKey));
        assertEq(StorefrontPolicyWords.returnWindow(storefrontWord), 14 days, "storefront policy: returnWindow");
        assertTrue(StorefrontPolicyWords.clawbackAllowed(storefrontWord), "storefront policy: clawbackAllowed");

        bytes32 byShopper = keccak256(abi.encode(shopper, keccak256(abi.encode(storefront, ORDERS_SLOT))));
        uint256 orderWord = uint256(vm.load(address(token), keccak256(abi.encode(uint256(7), byShopper))));
        IRewardPolicies.RecordedOrder memory order = token.recordedOrder(storefront, shopper, 7);
        assertEq(RecordedOrderWords.points(orderWord), order.points, "order word: points");
        assertEq(RecordedOrderWords.points(orderWord), 4_321, "order word: points issued");
        assertEq(RecordedOrderWords.releaseTime(orderWord), order.releaseTime, "order word: releaseTime");
        assertFalse(RecordedOrderWords.released(orderWord), "order word: released");
        assertTrue(RecordedOrderWords.clawbackAllowed(orderWord), "order word: clawbackAllowed");

        StorefrontIssuanceSlot issuanceWord = StorefrontIssuanceSlot.wrap(
            uint256(vm.load(address(token), keccak256(abi.encode(storefront, STOREFRONTS_SLOT))))
        );
        IRewardToken.StorefrontIssuance memory view_ = token.storefrontIssuance(storefront);
        IRewardToken.StorefrontIssuance memory decoded = issuanceWord.toStruct(block.timestamp);
        assertTrue(issuanceWord.isIssuer() && view_.isIssuer, "issuance word: issuer");
        assertTrue(issuanceWord.recordsOrders(), "issuance word: records orders under a policy");
        assertEq(decoded.capPerPeriod, view_.capPerPeriod, "issuance word: capPerPeriod");
        assertEq(decoded.issuedInPeriod, 4_321, "issuance word: issuedInPeriod");
    }

    /// @dev The word in slot `slot` of this contract.
    function _word(uint256 slot) private view returns (uint256) {
        return uint256(vm.load(address(this), bytes32(slot)));
    }
}
