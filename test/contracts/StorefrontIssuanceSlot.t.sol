// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {StorefrontIssuanceSlot, StorefrontIssuanceSlots} from "../../contracts/reward/StorefrontIssuanceSlot.sol";
import {Assertions} from "./utils/Assertions.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {VM_ADDRESS, Vm} from "./utils/Vm.sol";

/// @title StorefrontIssuanceSlotTest
/// @notice The packed issuance word: the same bits as Solidity's packing of the struct, lossless round trips,
/// and updates that touch only the fields they mean to.
contract StorefrontIssuanceSlotTest is Assertions {
    using FuzzBounds for uint256;

    Vm private constant vm = Vm(VM_ADDRESS);

    /// @dev Slot 0 of this contract: where Solidity stores the struct for the layout comparison.
    IRewardToken.StorefrontIssuance private stored;

    /// @notice Caller-facing wrapper so that a revert of the library can be expected.
    function charge(StorefrontIssuanceSlot slot, uint256 amount, uint256 timestamp)
        external
        pure
        returns (StorefrontIssuanceSlot)
    {
        return slot.charged(address(0xCAFE), amount, timestamp);
    }

    function testFuzz_packsTheStructExactlyAsSolidityStoresIt(
        bool isIssuer,
        uint32 capPeriod,
        uint40 periodStart,
        uint88 capPerPeriod,
        uint88 issuedInPeriod
    ) public {
        IRewardToken.StorefrontIssuance memory issuance =
            IRewardToken.StorefrontIssuance(isIssuer, capPeriod, periodStart, capPerPeriod, issuedInPeriod);
        stored = issuance;
        uint256 solidityWord = uint256(vm.load(address(this), bytes32(0)));
        assertEq(StorefrontIssuanceSlot.unwrap(StorefrontIssuanceSlots.fromStruct(issuance)), solidityWord, "packed word");
    }

    function testFuzz_roundTripsWithinAPeriod(
        bool isIssuer,
        uint32 capPeriod,
        uint40 periodStart,
        uint88 capPerPeriod,
        uint88 issuedInPeriod,
        uint256 elapsedSeed
    ) public pure {
        IRewardToken.StorefrontIssuance memory issuance =
            IRewardToken.StorefrontIssuance(isIssuer, capPeriod, periodStart, capPerPeriod, issuedInPeriod);
        uint256 elapsed = capPeriod == 0 ? elapsedSeed.bound(0, 2 ** 40) : elapsedSeed.bound(0, capPeriod - 1);
        IRewardToken.StorefrontIssuance memory back =
            StorefrontIssuanceSlots.fromStruct(issuance).toStruct(uint256(periodStart) + elapsed);
        assertTrue(back.isIssuer == isIssuer, "isIssuer");
        assertEq(back.capPeriod, capPeriod, "capPeriod");
        assertEq(back.periodStart, periodStart, "periodStart");
        assertEq(back.capPerPeriod, capPerPeriod, "capPerPeriod");
        assertEq(back.issuedInPeriod, issuedInPeriod, "issuedInPeriod");
    }

    function testFuzz_rollsToTheAlignedPeriodWithAZeroCount(uint32 capPeriod, uint40 periodStart, uint256 laterSeed)
        public
        pure
    {
        capPeriod = uint32(uint256(capPeriod).bound(1, type(uint32).max));
        // Timestamps stay far below 2**40 (the year 36,812): leave room for the next period.
        periodStart = uint40(uint256(periodStart).bound(0, 2 ** 39));
        uint256 later = laterSeed.bound(uint256(periodStart) + capPeriod, type(uint40).max);
        IRewardToken.StorefrontIssuance memory issuance =
            IRewardToken.StorefrontIssuance(true, capPeriod, periodStart, 1000, 700);
        IRewardToken.StorefrontIssuance memory rolled = StorefrontIssuanceSlots.fromStruct(issuance).toStruct(later);
        assertEq(rolled.periodStart, later - (later % capPeriod), "aligned period start");
        assertEq(rolled.issuedInPeriod, 0, "count in the new period");
    }

    function testFuzz_chargeChangesOnlyPeriodAndCount(
        bool isIssuer,
        uint32 capPeriod,
        uint88 capPerPeriod,
        uint256 issuedSeed,
        uint256 amountSeed,
        uint256 timestampSeed
    ) public view {
        capPeriod = uint32(uint256(capPeriod).bound(1, type(uint32).max));
        uint256 timestamp = timestampSeed.bound(0, type(uint40).max);
        uint256 periodStart = timestamp - (timestamp % capPeriod);
        uint256 issued = issuedSeed.bound(0, capPerPeriod);
        uint256 amount = amountSeed.bound(0, capPerPeriod - issued);
        StorefrontIssuanceSlot slot = StorefrontIssuanceSlots.fromStruct(
            IRewardToken.StorefrontIssuance(isIssuer, capPeriod, uint40(periodStart), capPerPeriod, uint88(issued))
        );
        IRewardToken.StorefrontIssuance memory after_ = this.charge(slot, amount, timestamp).toStruct(timestamp);
        assertTrue(after_.isIssuer == isIssuer, "isIssuer kept");
        assertEq(after_.capPeriod, capPeriod, "capPeriod kept");
        assertEq(after_.capPerPeriod, capPerPeriod, "capPerPeriod kept");
        assertEq(after_.periodStart, periodStart, "periodStart");
        assertEq(after_.issuedInPeriod, issued + amount, "issuedInPeriod");
    }

    function testFuzz_chargePastTheCapReverts(uint88 capPerPeriod, uint256 issuedSeed, uint256 overSeed) public {
        uint256 issued = issuedSeed.bound(0, capPerPeriod);
        uint256 amount = capPerPeriod - issued + overSeed.bound(1, 2 ** 100);
        StorefrontIssuanceSlot slot = StorefrontIssuanceSlots.fromStruct(
            IRewardToken.StorefrontIssuance(true, 1 days, 0, capPerPeriod, uint88(issued))
        );
        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.IssuanceCapExceeded.selector, address(0xCAFE), capPerPeriod, 0, issued, amount)
        );
        this.charge(slot, amount, 1 hours);
    }

    function test_chargeWithoutACapReverts() public {
        StorefrontIssuanceSlot slot = StorefrontIssuanceSlots.fromStruct(IRewardToken.StorefrontIssuance(true, 0, 0, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IRewardToken.IssuanceCapNotSet.selector, address(0xCAFE)));
        this.charge(slot, 1, 1);
    }

    function testFuzz_issuerFlagTogglesOnlyItself(uint256 word, bool issuer) public pure {
        StorefrontIssuanceSlot toggled = StorefrontIssuanceSlot.wrap(word).withIssuer(issuer);
        assertTrue(toggled.isIssuer() == issuer, "issuer flag");
        assertEq(StorefrontIssuanceSlot.unwrap(toggled) >> 8, word >> 8, "other fields");
    }
}
