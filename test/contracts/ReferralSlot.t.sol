// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IReferralEscrow} from "../../contracts/referral/IReferralEscrow.sol";
import {ReferralSlot, ReferralSlots} from "../../contracts/referral/ReferralSlot.sol";
import {Assertions} from "./utils/Assertions.sol";
import {VM_ADDRESS, Vm} from "./utils/Vm.sol";

/// @title ReferralSlotTest
/// @notice The packed referral word: the same bits as Solidity's packing of the struct, the word recording
/// builds by hand equal to the packed struct, and lossless round trips.
contract ReferralSlotTest is Assertions {
    Vm private constant vm = Vm(VM_ADDRESS);

    /// @dev Slot 0 of this contract: where Solidity stores the struct for the layout comparison.
    IReferralEscrow.Referral private stored;

    /// @notice `pack` lays a referral out exactly as Solidity stores the struct, and `unpack` reads it back.
    function testFuzz_packsTheStructExactlyAsSolidityStoresIt(
        uint40 partnerId,
        uint32 tokenId,
        uint8 statusSeed,
        uint40 releaseTime,
        uint96 commission,
        uint16 refundedBps
    ) public {
        IReferralEscrow.ReferralStatus status = IReferralEscrow.ReferralStatus(statusSeed % 4);
        IReferralEscrow.Referral memory referral =
            IReferralEscrow.Referral(partnerId, tokenId, status, releaseTime, commission, refundedBps);
        stored = referral;
        uint256 solidityWord = uint256(vm.load(address(this), bytes32(0)));
        ReferralSlot slot = ReferralSlots.pack(referral);
        assertEq(ReferralSlot.unwrap(slot), solidityWord, "packed word");

        IReferralEscrow.Referral memory back = slot.unpack();
        assertEq(back.partnerId, partnerId, "partnerId");
        assertEq(back.tokenId, tokenId, "tokenId");
        assertEq(uint256(back.status), uint256(status), "status");
        assertEq(back.releaseTime, releaseTime, "releaseTime");
        assertEq(back.commission, commission, "commission");
        assertEq(back.refundedBps, refundedBps, "refundedBps");
    }

    /// @notice The word recording builds (a shared pending template, then partner and commission) is the
    /// packed pending referral with nothing refunded.
    function testFuzz_recordingsWordIsThePackedPendingReferral(
        uint40 partnerId,
        uint32 tokenId,
        uint40 releaseTime,
        uint96 commission
    ) public pure {
        ReferralSlot built = ReferralSlots.pending(tokenId, releaseTime).withPartnerAndCommission(partnerId, commission);
        ReferralSlot packed = ReferralSlots.pack(
            IReferralEscrow.Referral(
                partnerId, tokenId, IReferralEscrow.ReferralStatus.Pending, releaseTime, commission, 0
            )
        );
        assertEq(ReferralSlot.unwrap(built), ReferralSlot.unwrap(packed), "recorded word");
        assertEq(built.remainingCommission(), commission, "nothing refunded yet");
    }
}
